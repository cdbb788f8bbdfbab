// Fails when a file or folder under src/, e2e/ or scripts/ is not kebab-case (STYLE.md: names).
import fs from 'node:fs';
import path from 'node:path';

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/;
const bad = [];
function walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (!KEBAB.test(entry.name)) bad.push(full);
    if (entry.isDirectory()) walk(full);
  }
}
for (const root of ['src', 'e2e', 'scripts']) walk(root);
if (bad.length > 0) {
  console.error(`Not kebab-case:\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
