#!/usr/bin/env node
/**
 * Fails when the console's initial JavaScript is over budget. Initial = the entry script of dist/index.html, what
 * the entry itself loads with `import()` (src/main.tsx starts the console that way once the page has painted, so
 * that is the first screen's code), and every chunk those import statically (followed through the chunks
 * themselves, so a static import Vite did not preload still counts); chunks reached only through other chunks'
 * `import()` are lazy and do not count. Sizes are gzip level 9, as the bench measures them. Run after `vite build`
 * (`npm run test:e2e` does both).
 *
 *   node scripts/check-bundle-size.mjs [--budget-kb 280] [--dist dist] [--json]
 *
 * `--json` prints `{ "initial": [dist-relative paths], "totalBytes": n, "budgetKb": n }` instead (the bench uses it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const budgetKb = Number(option('--budget-kb', process.env.INITIAL_JS_BUDGET_KB ?? '280'));
const dist = path.resolve(option('--dist', 'dist'));

const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="\/([^"]+\.js)"/g)].map((m) => m[1]);
if (entries.length === 0) {
  console.error(`check-bundle-size: no module script in ${path.join(dist, 'index.html')}`);
  process.exit(2);
}

// Static imports in a minified ES chunk: `import"./x.js"`, `import{a}from"./x.js"`, `export{a}from"./x.js"`,
// `import * as a from"./x.js"`. Dynamic `import("./x.js")` has a parenthesis and does not match.
const STATIC_IMPORT = /(?:\bimport|\bexport)\s*(?:[\w$*{][^;"'()]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;

// `import("./x.js")` / import(`./x.js`) in the entry chunk: the console itself, loaded at once.
const DYNAMIC_IMPORT = /\bimport\(\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]\s*\)/g;
const started = entries.flatMap((file) =>
  [...fs.readFileSync(path.join(dist, file), 'utf8').matchAll(DYNAMIC_IMPORT)].map((m) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])),
  ),
);

// The entry starts the console with import(): if that is no longer recognised, the count would be of the entry alone.
if (started.length === 0 && entries.some((file) => /\bimport\(/.test(fs.readFileSync(path.join(dist, file), 'utf8')))) {
  console.error('check-bundle-size: the entry calls import() but no chunk it starts was recognised; fix DYNAMIC_IMPORT');
  process.exit(2);
}

const initial = new Map(); // dist-relative path → gzip bytes
const queue = [...entries, ...started];
while (queue.length > 0) {
  const file = queue.pop();
  if (initial.has(file)) continue;
  const body = fs.readFileSync(path.join(dist, file));
  initial.set(file, gzipSync(body, { level: 9 }).length);
  for (const match of body.toString('utf8').matchAll(STATIC_IMPORT)) {
    queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1])));
  }
}

const total = [...initial.values()].reduce((sum, n) => sum + n, 0);
if (args.includes('--json')) {
  console.log(JSON.stringify({ initial: [...initial.keys()].sort(), totalBytes: total, budgetKb }));
  process.exit(total > budgetKb * 1024 ? 1 : 0);
}
const kb = (bytes) => (bytes / 1024).toFixed(1);
for (const [file, bytes] of [...initial].sort((a, b) => b[1] - a[1])) console.log(`  ${kb(bytes).padStart(7)} kB  ${file}`);
const verdict = total <= budgetKb * 1024 ? 'ok' : 'OVER BUDGET';
console.log(`initial JS: ${kb(total)} kB gzip in ${initial.size} chunks (budget ${budgetKb} kB) — ${verdict}`);
if (total > budgetKb * 1024) process.exit(1);
