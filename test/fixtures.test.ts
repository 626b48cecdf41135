import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../properties/index.ts';
import { replayFile } from '../src/search/replay.ts';

/** Every committed counterexample stays a certified counterexample (a regression test of the engine and the claims). */
const dir = 'fixtures/counterexamples';
describe('committed counterexamples replay to violated', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('there are some', () => expect(files.length).toBeGreaterThanOrEqual(5));
  for (const f of files) {
    it(f, () => {
      const { outcome, artifact } = replayFile(join(dir, f), catalog);
      expect(outcome.verdict).toBe('violated');
      expect(outcome.margin).toBeLessThan(-outcome.errorBound);
      expect(artifact.verdict).toBe('violated');
    });
  }
});
