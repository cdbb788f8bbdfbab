import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { antdStaticCssPlugin } from './scripts/antd-static-css.ts';
import { appShellPlugin } from './scripts/app-shell.ts';

export default defineConfig({
  plugins: [react(), antdStaticCssPlugin(), appShellPlugin()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' } },
});
