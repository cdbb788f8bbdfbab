import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { antdStaticCssPlugin } from './scripts/antd-static-css.ts';

const alias = { '@': fileURLToPath(new URL('./src', import.meta.url)) };

/**
 * Two projects: the server's tests in Node, the console's component tests (*.test.tsx) in jsdom. The node project starts
 * one throw-away PostgreSQL cluster per run (src/testing/postgres-global-setup.ts).
 */
export default defineConfig({
  plugins: [antdStaticCssPlugin({ empty: true })],
  resolve: { alias },
  test: {
    globals: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['src/**/*.test.ts'], environment: 'node', globalSetup: ['src/testing/postgres-global-setup.ts'] },
      },
      {
        extends: true,
        test: { name: 'dom', include: ['src/**/*.test.tsx'], environment: 'jsdom', setupFiles: ['src/testing/setup-dom.ts'] },
      },
    ],
  },
});
