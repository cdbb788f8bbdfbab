import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { antdStaticCssPlugin } from './scripts/antd-static-css.ts';

const alias = { '@': fileURLToPath(new URL('./src', import.meta.url)) };

/**
 * The server suites that reach the database through `src/testing/` (createTestApp, startServer): they run twice, on
 * SQLite (project `node`) and on PostgreSQL (project `node-postgres`, `TEST_DATABASE=postgres`). One setup, not copies.
 */
const ENGINE_SUITES = [
  'src/server/access-keys.test.ts',
  'src/server/admin.routes.test.ts',
  'src/server/alicloud-client.test.ts',
  'src/server/api-routes.test.ts',
  'src/server/authorization.test.ts',
  'src/server/code-sources.routes.test.ts',
  'src/server/git-remote.test.ts',
  'src/server/hostile-input.test.ts',
  'src/server/model-based.test.ts',
  'src/server/processes.test.ts',
  'src/server/replicas.test.ts',
  'src/server/search.test.ts',
  'src/server/session.routes.test.ts',
  'src/server/sign-in.test.ts',
  'src/server/signature.test.ts',
  'src/server/storage.test.ts',
  'src/server/workers.test.ts',
  'src/server/upstream/upstream.test.ts',
];
/** Tests of PostgreSQL itself (the fixture, the PostgreSQL storage's own checks): the PostgreSQL project only. */
const POSTGRES_ONLY = ['src/server/postgres/**/*.test.ts', 'src/testing/postgres-fixture.test.ts'];

/**
 * Three projects: the server's tests in Node on SQLite, the engine suites again on PostgreSQL (one throw-away cluster
 * per run, started by src/testing/postgres-global-setup.ts), the console's component tests (*.test.tsx) in jsdom.
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
      { extends: true, test: { name: 'node', include: ['src/**/*.test.ts'], exclude: POSTGRES_ONLY, environment: 'node' } },
      {
        extends: true,
        test: {
          name: 'node-postgres',
          include: [...ENGINE_SUITES, ...POSTGRES_ONLY],
          environment: 'node',
          env: { TEST_DATABASE: 'postgres' },
          globalSetup: ['src/testing/postgres-global-setup.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'dom', include: ['src/**/*.test.tsx'], environment: 'jsdom', setupFiles: ['src/testing/setup-dom.ts'] },
      },
    ],
  },
});
