import { defineConfig } from 'vitest/config';

// Tests live next to the code they check (src/**/*.test.ts) and in properties/ (the theorem catalog).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'properties/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/setup/fastCheckSeed.ts'],
    reporters: process.env.CI ? ['default'] : ['default'],
    coverage: { provider: 'v8', include: ['src/**/*.ts'], exclude: ['src/**/*.test.ts'] },
  },
});
