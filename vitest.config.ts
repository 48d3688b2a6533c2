import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // apps/web component tests (*.test.tsx) pick happy-dom with a `@vitest-environment` comment.
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.tsx',
      'apps/*/test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
