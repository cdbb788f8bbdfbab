import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { SESSION_COOKIE } from './auth';
import { createKeyring } from './crypto';
import { createSqliteStorage } from './sqlite-storage';
import { openDatabase, type Db } from './db';
import { createLogger } from './logger';

/**
 * The list's first screen: a signed-in browser gets the frame as static HTML in the page (scripts/app-shell.ts makes
 * the fragments at build time), in the language it last used, else its browser's; everyone else gets the bare page.
 */
describe('the static frame of the first screen', () => {
  let dir: string;
  let db: Db;
  let app: ReturnType<typeof createApp>['app'];
  const INDEX =
    '<!doctype html><html lang="en"><head><title>x</title></head><body><div id="root"></div><script type="module" src="/assets/main.js"></script></body></html>';

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-shell-'));
    const dist = path.join(dir, 'dist');
    fs.mkdirSync(path.join(dist, 'app-shell'), { recursive: true });
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
    fs.writeFileSync(path.join(dist, 'assets', 'main.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dist, 'app-shell', 'en.html'), '<div id="app-shell">Code Configuration</div>');
    fs.writeFileSync(path.join(dist, 'app-shell', 'zh-CN.html'), '<div id="app-shell">代码配置</div>');
    db = openDatabase(path.join(dir, 'code-config.sqlite'));
    const keyring = createKeyring(Buffer.alloc(32, 7));
    app = createApp({
      storage: createSqliteStorage(db, keyring),
      keyring,
      logger: createLogger('silent', () => undefined),
      staticDir: dist,
    }).app;
  });
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const page = async (url: string, headers: Record<string, string> = {}) => {
    const res = await app.request(url, { headers: { host: 'localhost', ...headers } });
    return { status: res.status, vary: res.headers.get('vary') ?? '', html: await res.text() };
  };
  const signedIn = { cookie: `${SESSION_COOKIE}=anything` };

  it('is in the page of a browser with a session, before the root element, in English by default', async () => {
    for (const url of [
      '/',
      '/code-sources',
      '/code-sources?workspace=1',
      '/code-sources/new',
      '/code-sources/code-1/edit',
      '/code-sources/code-1',
    ]) {
      const { status, html } = await page(url, signedIn);
      expect(status, url).toBe(200);
      expect(html, url).toContain(
        '<html lang="en"><head><title>x</title></head><body><div id="app-shell">Code Configuration</div><div id="root"></div>',
      );
    }
  });

  it('follows the language last on screen (the console’s cookie), else the browser’s', async () => {
    const zh = await page('/code-sources', { cookie: `${SESSION_COOKIE}=x; cc_locale=zh-CN` });
    expect(zh.html).toContain('<html lang="zh-CN">');
    expect(zh.html).toContain('<div id="app-shell">代码配置</div><div id="root">');
    expect((await page('/code-sources', { ...signedIn, 'accept-language': 'zh-TW,zh;q=0.9' })).html).toContain('代码配置');
    // The choice made in the console wins over the browser's language.
    const chosen = await page('/code-sources', { cookie: `${SESSION_COOKIE}=x; cc_locale=en`, 'accept-language': 'zh-CN' });
    expect(chosen.html).toContain('<div id="app-shell">Code Configuration</div>');
    // A cookie value that is no language of the console is ignored.
    expect((await page('/code-sources', { cookie: `${SESSION_COOKIE}=x; cc_locale=<script>` })).html).toContain('<html lang="en">');
  });

  it('is not sent without a session, nor for other screens; the response varies with what decides it', async () => {
    const anonymous = await page('/code-sources');
    expect(anonymous.html).toBe(INDEX);
    expect(anonymous.vary).toContain('Cookie');
    expect((await page('/sign-in', signedIn)).html).toBe(INDEX);
    expect((await page('/activity', signedIn)).html).toBe(INDEX);
    expect((await page('/code-sources/a/b/c', signedIn)).html).toBe(INDEX);
    const shell = await page('/code-sources', signedIn);
    expect(shell.vary).toBe('Accept-Encoding, Cookie, Accept-Language');
    // Files are files: the script, and a missing asset is still a 404.
    expect((await page('/assets/main.js', signedIn)).html).toBe('console.log(1)');
    expect((await page('/assets/gone.js', signedIn)).status).toBe(404);
  });
});
