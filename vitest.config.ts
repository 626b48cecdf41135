import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/sequencer.ts';

// Tests live next to the code they check (src/**/*.test.ts) and in properties/ (the theorem catalog).
export default defineConfig({
  // `import … from 'ntk-audit'` in a proposal loaded in process (test/support/cliInProcess.ts) is the
  // package's sources, the instance under test — not the package's exports map, which names dist/.
  resolve: { alias: [{ find: /^ntk-audit$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
  test: {
    include: ['src/**/*.test.ts', 'properties/**/*.test.ts', 'test/**/*.test.ts'],
    // Timeouts guard against hangs; sized so that no test needs more than a third of its timeout on a
    // 2-core machine at load 4 (slowest figures in the README).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Vitest's default leaves one core idle (cores − 1 workers): on the 2-core CI machines that is 1 worker.
    maxWorkers: Math.max(2, availableParallelism()),
    pool: 'forks',
    // One process per worker for all its files instead of one per file: the engine, the catalog and the CLI
    // modules are evaluated once per worker, not once per file (CI=true npm test on 2 cores: 548 → 443
    // CPU-seconds, the pack e2e apart). No test mocks modules or leaves globals changed (cliInProcess and
    // the tests that set process.env restore them), and module-level caches are keyed by their inputs.
    isolate: false,
    // longest files first (measured seconds per file: test/support/fileCosts.json)
    sequence: { sequencer: LongestFirstSequencer },
    setupFiles: ['test/setup/fastCheckSeed.ts'],
    reporters: process.env.CI ? ['default'] : ['default'],
    coverage: { provider: 'v8', include: ['src/**/*.ts'], exclude: ['src/**/*.test.ts'] },
  },
});
