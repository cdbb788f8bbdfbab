/**
 * How many fsync'd appends per second the disk under the bench data takes: the floor under any `synchronous=FULL`
 * commit, which waits for one fsync of the WAL. Each round appends `pages` 4 KiB pages to a file (as a WAL commit
 * appends its frames) and fsyncs it. `npm run bench` measures it next to the write rows; by itself:
 * `node --import tsx scripts/bench/fsync-rate.ts [dir] [pages…]`, FSYNC_SECONDS (default 3) per size.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FsyncRate {
  pages: number;
  fsyncsPerSecond: number;
  meanMs: number;
}

export function fsyncRate(dir: string, pages: number, seconds: number): FsyncRate {
  const file = path.join(dir, `fsync-rate-${process.pid}.tmp`);
  const fd = fs.openSync(file, 'w');
  try {
    const frame = Buffer.alloc(pages * 4096, 7);
    let n = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      // Rewritten from its start every 1,000 rounds, as a WAL is after a checkpoint.
      fs.writeSync(fd, frame, 0, frame.length, (n % 1000) * frame.length);
      fs.fsyncSync(fd);
      n++;
    }
    const elapsed = performance.now() - started;
    return { pages, fsyncsPerSecond: Math.round((n * 1000) / elapsed), meanMs: Math.round((elapsed / n) * 1000) / 1000 };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const dir = process.argv[2] ?? path.join(root, 'bench', 'results');
  const sizes = process.argv.slice(3).map(Number);
  fs.mkdirSync(dir, { recursive: true });
  for (const pages of sizes.length > 0 ? sizes : [1, 12])
    console.log(JSON.stringify(fsyncRate(dir, pages, Number(process.env.FSYNC_SECONDS ?? 3))));
}
