import fs from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
  immutable: boolean;
}

/**
 * The built console, read once at start: a fixed map from URL path to file, so no request path ever reaches the
 * file system (no traversal to guard against). Unknown paths fall back to index.html for client-side routes.
 */
export function loadStaticFiles(dir: string): { get(urlPath: string): StaticFile | undefined; index: StaticFile | undefined } {
  const files = new Map<string, StaticFile>();
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const rel = '/' + path.relative(dir, full).split(path.sep).join('/');
        files.set(rel, {
          body: fs.readFileSync(full),
          type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream',
          immutable: rel.startsWith('/assets/'),
        });
      }
    }
  };
  walk(dir);
  return { get: (p) => files.get(p), index: files.get('/index.html') };
}
