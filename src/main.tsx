// antd's component styles, made at build time (scripts/antd-static-css.ts); the console's own CSS after them. Both
// are the page's stylesheets, so the static frame the server may have put into the page is drawn with them.
import 'virtual:antd-first.css';
import '@/app/app.css';

// The console's JavaScript is fetched once the page has painted: on a slow network the HTML, its stylesheets and the
// static frame come first instead of sharing the line with ~280 kB of scripts. (A timer too: a tab opened in the
// background paints no frame until it is shown.)
let started = false;
const load = () => {
  if (started) return;
  started = true;
  // (With the `vite:preloadError` below handled, a failed load resolves to nothing instead of rejecting.)
  import('./start').then((module) => (module ? module.start() : couldNotLoad()), couldNotLoad);
};

/**
 * The console's scripts did not arrive (the network dropped, or a new version replaced the files this page names).
 * One reload fetches the page again; if that happened in the last minute already, the page says so instead of
 * showing the static frame, or nothing, for ever.
 */
let failed = false;
function couldNotLoad(): void {
  if (failed) return;
  failed = true;
  const KEY = 'code-config.reloaded-at';
  const last = Number(sessionStorage.getItem(KEY) ?? 0);
  if (Date.now() - last > 60_000) {
    sessionStorage.setItem(KEY, String(Date.now()));
    location.reload();
    return;
  }
  document.getElementById('app-shell')?.remove();
  const zh = /^zh\b/i.test(document.documentElement.lang);
  const box = document.createElement('div');
  box.setAttribute('role', 'alert');
  box.style.cssText = 'padding:48px 24px;font:16px/1.5 system-ui,sans-serif;text-align:center';
  box.textContent = zh
    ? '控制台未能加载，请检查网络后重新加载页面。'
    : 'The console could not load. Check the network and reload the page.';
  const again = document.createElement('button');
  again.type = 'button';
  again.textContent = zh ? '重新加载' : 'Reload';
  again.style.cssText = 'display:block;margin:16px auto 0;padding:4px 15px;font:inherit;cursor:pointer';
  again.addEventListener('click', () => location.reload());
  box.append(again);
  document.getElementById('root')?.replaceChildren(box);
}
// A lazy chunk of a running console that is gone after a new version: the same, once.
window.addEventListener('vite:preloadError', (event) => {
  event.preventDefault();
  couldNotLoad();
});
requestAnimationFrame(() => setTimeout(load, 0));
setTimeout(load, 200);
