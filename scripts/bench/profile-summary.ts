/** Self time of a `node --cpu-prof` profile by category (session, signature, SQLite, …) and by function. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function's self time counts: first match of its file (or name) wins. */
const CATEGORIES: [string, (url: string, name: string) => boolean][] = [
  ['idle (waiting for I/O)', (_u, n) => n === '(idle)'],
  ['garbage collection', (_u, n) => n === '(garbage collector)'],
  ['SQLite (better-sqlite3)', (u) => u.includes('better-sqlite3')],
  ['signature check (ACS3)', (u) => u.includes('/src/server/signature.ts')],
  [
    'session / auth',
    (u) => u.includes('/src/server/auth.ts') || u.includes('/src/server/identity.repository.ts') || u.includes('/src/server/crypto.ts'),
  ],
  ['logging', (u) => u.includes('/src/server/logger.ts')],
  ['validation (zod)', (u) => u.includes('/node_modules/zod/')],
  ['routing and middleware (hono)', (u) => u.includes('/node_modules/hono/') || u.includes('/node_modules/@hono/zod-openapi/')],
  ['HTTP adapter (@hono/node-server)', (u) => u.includes('/node_modules/@hono/node-server/')],
  ['our other server code', (u) => u.includes('/src/server/') || u.includes('/src/shared/')],
  [
    'Node HTTP, streams, net',
    (u) =>
      /node:(_http|http|net|stream|internal\/(http|streams|stream_base|timers|async_hooks|process))/.test(u) ||
      /^node:internal\/(http|streams)/.test(u),
  ],
  ['Node crypto', (u) => u.startsWith('node:crypto') || u.startsWith('node:internal/crypto')],
  ['other Node internals', (u) => u.startsWith('node:')],
  ['native / V8 (JSON, regexps, builtins)', (u) => u === ''],
  ['other', () => true],
];

export function summarise(profile: CpuProfile) {
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byCategory = new Map<string, number>();
  let total = 0;
  let busy = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    const name = frame.functionName || '(anonymous)';
    const file = frame.url.replace(/^file:\/\//, '').replace(ROOT, '');
    if (name !== '(idle)') busy += us;
    const key = `${name} ${file ? `${file.replace(/^.*node_modules\//, '')}:${frame.lineNumber + 1}` : '(native)'}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const category = CATEGORIES.find(([, test]) => test(frame.url, name))?.[0] ?? 'other';
    byCategory.set(category, (byCategory.get(category) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / Math.max(1, busy)).toFixed(1)} %`;
  return {
    totalMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    categories: [...byCategory]
      .sort((a, b) => b[1] - a[1])
      .map(([category, us]) => ({ category, 'self ms': Math.round(us / 1000), 'of busy': category.startsWith('idle') ? '—' : pct(us) })),
    top: [...byFunction]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([fn, us]) => ({ function: fn, 'self ms': Math.round(us / 1000), 'of busy': pct(us) })),
  };
}
