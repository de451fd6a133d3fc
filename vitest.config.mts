import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The corpus tests need the kernel sources; they run from `npm run corpus`, not here.
    exclude: ['test/corpus/**', 'node_modules/**'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
