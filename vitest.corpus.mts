import { defineConfig } from 'vitest/config';

// Corpus tests on real kernel trees; `npm run corpus` fetches the trees and runs these.
export default defineConfig({
  test: {
    include: ['test/corpus/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
