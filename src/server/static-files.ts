import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

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
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.webmanifest']);
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export interface StaticFile {
  body: Buffer;
  type: string;
  immutable: boolean;
  /** Brotli and gzip forms, filled in the background after start; until then the plain body is served. */
  br?: Buffer;
  gzip?: Buffer;
}

/**
 * The built console, read once at start: a fixed map from URL path to file, so no request path ever reaches the
 * file system (no traversal to guard against). Unknown paths fall back to index.html for client-side routes.
 * Text files are compressed once, off the main thread, so a slow network does not pay for 1 MB of raw JavaScript.
 */
export function loadStaticFiles(dir: string): {
  get(urlPath: string): StaticFile | undefined;
  index: StaticFile | undefined;
  /** index.html with the list page's static frame in `locale` (see scripts/app-shell.ts), if the build made one. */
  indexWithShell(locale: ShellLocale): StaticFile | undefined;
} {
  const files = new Map<string, StaticFile>();
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const rel = '/' + path.relative(dir, full).split(path.sep).join('/');
        const ext = path.extname(entry.name);
        const file: StaticFile = {
          body: fs.readFileSync(full),
          type: TYPES[ext] ?? 'application/octet-stream',
          immutable: rel.startsWith('/assets/'),
        };
        files.set(rel, COMPRESSIBLE.has(ext) ? compressInBackground(file) : file);
      }
    }
  };
  walk(dir);
  const index = files.get('/index.html');
  const shells = new Map<ShellLocale, StaticFile>();
  for (const locale of SHELL_LOCALES) {
    const fragment = files.get(`/app-shell/${locale}.html`);
    if (index && fragment) shells.set(locale, compressInBackground(pageWithShell(index, fragment.body, locale)));
  }
  return { get: (p) => files.get(p), index, indexWithShell: (locale) => shells.get(locale) };
}

export const SHELL_LOCALES = ['en', 'zh-CN'] as const;
export type ShellLocale = (typeof SHELL_LOCALES)[number];

/**
 * index.html with the static frame just before the console's root element (the console removes it, see
 * src/app/app-shell.ts), and the page's language set to the frame's.
 */
export function pageWithShell(index: StaticFile, fragment: Buffer, locale: ShellLocale): StaticFile {
  const html = index.body.toString('utf8').replace(/<html lang="[^"]*">/, `<html lang="${locale}">`);
  const at = html.indexOf('<div id="root">');
  if (at < 0) return index;
  return { body: Buffer.from(html.slice(0, at) + fragment.toString('utf8') + html.slice(at)), type: index.type, immutable: false };
}

/** Starts brotli and gzip forms of a text file off the main thread; until they are ready the plain body is served. */
export function compressInBackground(file: StaticFile): StaticFile {
  if (file.body.length > 1024) {
    void brotli(file.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).then(
      (b) => (file.br = b),
      () => undefined,
    );
    void gzip(file.body, { level: 9 }).then(
      (g) => (file.gzip = g),
      () => undefined,
    );
  }
  return file;
}

/** The best encoding of `file` the client accepts: brotli, then gzip, then none. */
export function encodedBody(file: StaticFile, acceptEncoding: string | undefined): { body: Buffer; encoding?: 'br' | 'gzip' } {
  const accepts = (name: string) =>
    new RegExp(`(^|,)\\s*${name}\\s*(;\\s*q=(?!0(\\.0*)?\\s*($|,))[0-9.]+)?\\s*($|,)`).test(acceptEncoding ?? '');
  if (file.br && accepts('br')) return { body: file.br, encoding: 'br' };
  if (file.gzip && accepts('gzip')) return { body: file.gzip, encoding: 'gzip' };
  return { body: file.body };
}
