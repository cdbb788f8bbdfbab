import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '@/app/app';
// antd's component styles, made at build time (scripts/antd-static-css.ts); the console's own CSS after them.
import 'virtual:antd-first.css';
import '@/app/app.css';

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
