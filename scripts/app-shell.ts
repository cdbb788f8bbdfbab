/**
 * The list page's frame as static HTML, one fragment per language (`dist/app-shell/<locale>.html`), made at build time
 * from the console's own dictionaries. The server puts it into the page for a signed-in browser that opens the list
 * (see `pageWithShell` in src/server/static-files.ts), so the header, breadcrumb, title and introduction are painted
 * from the HTML and its stylesheet, before any JavaScript has run. It uses the frame's own classes (app.css), and the
 * console removes it in the same frame as it draws its own (`src/app/app-shell.ts`).
 */
import type { Plugin } from 'vite';
// Relative imports: Vite loads its config (and this file) without the `@/` alias.
import { en } from '../src/lib/i18n/en.ts'; // eslint-disable-line no-restricted-imports
import { zhCN } from '../src/lib/i18n/zh-cn.ts'; // eslint-disable-line no-restricted-imports

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The fragment for one language: what the frame and the list page show before they know anything of the user. */
export function appShellHtml(t: Record<keyof typeof en, string>): string {
  return [
    '<div id="app-shell" class="app-shell" aria-hidden="true">',
    `<header class="app-header"><span class="product"><span class="product-name">${escape(t['app.product'])}</span></span></header>`,
    '<main class="app-content">',
    `<nav><ol class="breadcrumb"><li>${escape(t['nav.aiAssets'])}</li><li aria-current="page">${escape(t['nav.codeConfig'])}</li></ol></nav>`,
    `<div class="page-heading"><div><h1 class="page-title">${escape(t['page.title'])}</h1>`,
    `<p class="page-intro">${escape(t['page.intro'])}</p></div></div>`,
    '</main>',
    '</div>',
  ].join('');
}

export function appShellPlugin(): Plugin {
  return {
    name: 'app-shell',
    apply: 'build',
    generateBundle() {
      for (const [locale, dictionary] of [
        ['en', en],
        ['zh-CN', zhCN],
      ] as const)
        this.emitFile({ type: 'asset', fileName: `app-shell/${locale}.html`, source: appShellHtml(dictionary) });
    },
  };
}
