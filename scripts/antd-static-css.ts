/**
 * antd's component styles as static CSS, made at build time (antd 6 `zeroRuntime`: the console's ConfigProvider
 * generates no component CSS while it renders; only the theme's CSS variables stay at run time).
 *
 * Two stylesheets, as Vite CSS modules:
 * - `virtual:antd-first.css` — the components of the first screen (list, filters, pager, menus' buttons), imported
 *   by `src/main.tsx`, so it is a render-blocking <link> of the page;
 * - `virtual:antd-lazy.css` — what only drawers, dialogs, forms, menus and toasts use, imported by those lazy
 *   modules, so it loads with the first of them (Vite loads a chunk's CSS before the chunk runs).
 *
 * The CSS is made the way antd makes its own `dist/antd.css` (render each component once into a style cache with
 * `renderToString`, then `extractStyle`), with the console's theme tokens and `hashed: false`, so selectors are plain
 * `.ant-btn…` and match what zero-runtime components render. Every antd component the console imports must be in one
 * of the lists below: the build fails otherwise (and the `styles` journey checks no rendered antd class is missing).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';
// A relative import: Vite loads its config (and this file) without the `@/` alias.
import { themeTokens } from '../src/app/theme-tokens.ts'; // eslint-disable-line no-restricted-imports

// antd's components are reached by name and their props vary: the renders below are typed loosely on purpose.
type Antd = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type H = (type: unknown, props?: object | null, ...children: unknown[]) => unknown;
type Render = (antd: Antd, h: H) => unknown;

/** Components on the first screen, each rendered so that every part the console uses registers its style. */
const FIRST: Record<string, Render> = {
  Button: (a, h) => h(a.Button, null, 'x'),
  Space: (a, h) => [h(a.Space), h(a.Space.Compact, null, h(a.Button))],
  Tag: (a, h) => h(a.Tag, { color: 'blue' }, 'x'),
  Alert: (a, h) => h(a.Alert, { title: 'x' }),
  Typography: (a, h) => [h(a.Typography.Text, null, 'x'), h(a.Typography.Title, null, 'x'), h(a.Typography.Paragraph, null, 'x')],
  Tooltip: (a, h) => h(a.Tooltip, { title: 'x' }, h('span')),
  Select: (a, h) => h(a.Select),
  Skeleton: (a, h) => [h(a.Skeleton), h(a.Skeleton.Input), h(a.Skeleton.Button)],
  Input: (a, h) => [h(a.Input), h(a.Input.Search), h(a.Input.TextArea), h(a.Input.Password)],
  Spin: (a, h) => h(a.Spin),
  Radio: (a, h) => [h(a.Radio), h(a.Radio.Group, { optionType: 'button', options: ['x'] })],
  Empty: (a, h) => [h(a.Empty), h(a.Empty, { image: a.Empty.PRESENTED_IMAGE_SIMPLE })],
  Checkbox: (a, h) => h(a.Checkbox),
  Pagination: (a, h) => [h(a.Pagination, { total: 100 }), h(a.Pagination, { total: 100, simple: true })],
  Divider: (a, h) => [h(a.Divider), h(a.Divider, { orientation: 'vertical' })],
};

/** Components that appear only in drawers, dialogs, menus, toasts and the other lazily loaded screens. */
const LAZY: Record<string, Render> = {
  Modal: (a, h) => [
    h(a.Modal._InternalPanelDoNotUseOrYouWillBeFired),
    h(a.Modal._InternalPanelDoNotUseOrYouWillBeFired, { type: 'confirm' }),
  ],
  Drawer: (a, h) => h(a.Drawer._InternalPanelDoNotUseOrYouWillBeFired),
  Form: (a, h) => h(a.Form, null, h(a.Form.Item, { label: 'x', help: 'x' }, h('span'))),
  Dropdown: (a, h) => [h(a.Dropdown, { menu: { items: [] } }, h('span')), h(a.Menu, { items: [] })],
  message: (a, h) => h(a.message._InternalPanelDoNotUseOrYouWillBeFired),
  Tabs: (a, h) => h(a.Tabs, { items: [] }),
  Descriptions: (a, h) => h(a.Descriptions),
  Collapse: (a, h) => h(a.Collapse, { items: [] }),
  AutoComplete: (a, h) => h(a.AutoComplete),
};

/** Names imported from 'antd' that are not components with styles of their own. */
const NOT_STYLED = new Set(['ConfigProvider', 'theme']);

const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');

/** The two stylesheets' text: the second holds only what the first does not. */
export function antdStaticCss(): { first: string; lazy: string } {
  const require = createRequire(path.join(ROOT, 'package.json'));
  const React = require('react') as typeof import('react');
  const { renderToString } = require('react-dom/server') as typeof import('react-dom/server');
  const antd = require('antd') as Antd;
  const cssinjs = require('@ant-design/cssinjs') as typeof import('@ant-design/cssinjs');
  const cache = cssinjs.createCache();
  const h = React.createElement as unknown as H;
  const extract = (renders: Record<string, Render>) => {
    const nodes = Object.entries(renders).map(([name, render]) => h(React.Fragment, { key: name }, render(antd, h)));
    renderToString(
      h(cssinjs.StyleProvider, { cache }, h(antd.ConfigProvider, { theme: { token: themeTokens, hashed: false } }, nodes)) as never,
    );
    return cssinjs.extractStyle(cache, { plain: true, types: 'style', once: true });
  };
  const first = extract(FIRST);
  const lazy = extract(LAZY);
  return { first, lazy };
}

/** Every name the console imports from 'antd', to check each has its CSS here. */
function antdImports(dir: string): Set<string> {
  const names = new Set<string>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name)) continue;
    const text = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'antd'/g))
      for (const part of (m[1] ?? '').split(',')) {
        const name = part.trim().replace(/^type\s+/, '');
        if (name && !part.trim().startsWith('type ')) names.add(name.split(/\s+as\s+/)[0]!);
      }
  }
  return names;
}

const IDS = { 'virtual:antd-first.css': '/__antd-first.css', 'virtual:antd-lazy.css': '/__antd-lazy.css' } as const;

/**
 * The Vite plugin serving the two stylesheets (made once per build or dev server). `{ empty: true }` (the unit tests,
 * where jsdom applies no CSS) resolves them to nothing instead of rendering every component to make them.
 */
export function antdStaticCssPlugin({ empty = false }: { empty?: boolean } = {}): Plugin {
  let made: { first: string; lazy: string } | undefined;
  return {
    name: 'antd-static-css',
    buildStart() {
      const missing = [
        ...antdImports(path.join(ROOT, 'src', 'app')),
        ...antdImports(path.join(ROOT, 'src', 'features')),
        ...antdImports(path.join(ROOT, 'src', 'components')),
      ].filter((name) => !NOT_STYLED.has(name) && !(name in FIRST) && !(name in LAZY));
      if (missing.length)
        this.error(
          `antd ${missing.join(', ')} is used by the console but has no static CSS: add it to FIRST or LAZY in scripts/antd-static-css.ts`,
        );
    },
    resolveId(id) {
      return id in IDS ? IDS[id as keyof typeof IDS] : undefined;
    },
    load(id) {
      if (id !== IDS['virtual:antd-first.css'] && id !== IDS['virtual:antd-lazy.css']) return undefined;
      if (empty) return '';
      made ??= antdStaticCss();
      return id === IDS['virtual:antd-first.css'] ? made.first : made.lazy;
    },
  };
}
