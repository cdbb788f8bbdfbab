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
  void import('./start').then(({ start }) => start());
};
requestAnimationFrame(() => setTimeout(load, 0));
setTimeout(load, 200);
