import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests live next to the code they check (src/**/*.test.ts) and in properties/ (the theorem catalog).
export default defineConfig({
  // `import … from 'ntk-audit'` in a proposal loaded in process (test/support/cliInProcess.ts) is the
  // package's sources, the instance under test — not the package's exports map, which names dist/.
  resolve: { alias: [{ find: /^ntk-audit$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
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
