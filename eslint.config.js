import fs from 'node:fs';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';

/** Who may import whom (STYLE.md): each folder lists the folders it must not reach into. */
const zones = {
  'src/shared/**': [
    '@/server/*',
    '@/lib/*',
    '@/components/*',
    '@/features/*',
    '@/app/*',
    '@/testing/*',
    'react',
    'antd',
    'node:*',
    'hono',
    'better-sqlite3',
  ],
  'src/server/**': ['@/lib/*', '@/components/*', '@/features/*', '@/app/*', 'react', 'antd'],
  'src/lib/**': ['@/server/*', '@/components/*', '@/features/*', '@/app/*'],
  'src/components/**': ['@/server/*', '@/features/*', '@/app/*'],
  'src/features/**': ['@/server/*', '@/app/*'],
  'src/app/**': ['@/server/*'],
};

const features = fs
  .readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'coverage', 'test-results', 'playwright-report', 'bench/results', 'data'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.tsx', 'src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*'], message: 'Use @/ across folders; ./ within one.' },
            { group: ['**/index', '**/index.ts'], message: 'No barrel files.' },
          ],
        },
      ],
    },
  },
  ...Object.entries(zones).map(([files, banned]) => ({
    files: [files],
    ignores: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*'], message: 'Use @/ across folders; ./ within one.' },
            { group: banned, message: `${files} may not import this (see the dependency rules in README.md).` },
          ],
        },
      ],
    },
  })),
  // A feature never imports another feature: each folder of src/features may import only its own.
  ...features.map((feature) => ({
    files: [`src/features/${feature}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../*'], message: 'Use @/ across folders.' },
            { group: ['@/server/*', '@/app/*'], message: 'features may not import server or app.' },
            { regex: `^@/features/(?!${feature}/)`, message: 'A feature never imports another feature.' },
          ],
        },
      ],
    },
  })),
  // Formatting is Prettier's: ESLint's stylistic rules stay off so the two never disagree.
  prettier,
);
