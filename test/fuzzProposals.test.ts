import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { defineBound } from '../src/audit/defineBound.ts';
import { loadProposal } from '../src/audit/proposal.ts';
import { UserError } from '../src/errors.ts';
import { TheoremEvaluationError, evaluate } from '../src/theorem/verdict.ts';

/**
 * Fuzzing the proposal path: malformed bound specifications (10,000, in process) and malformed
 * proposal modules on disk (loaded through the real loader). Each must be accepted or fail with a
 * one-line UserError; a bound that is accepted but whose sides misbehave fails its instances with
 * TheoremEvaluationError (reported as ill-posed), never with another exception.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

function clean(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
    expect(e.message).not.toMatch(/[\r\n]/);
    return undefined;
  }
}

const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.constant(() => NaN),
  fc.constant(() => 'x'),
  fc.constant(() => {
    throw new Error('boom');
  }),
);
const range = fc.oneof(
  { arbitrary: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 16 })), weight: 5 },
  { arbitrary: fc.tuple(fc.integer({ min: -3, max: 40 }), fc.integer({ min: -3, max: 40 })), weight: 1 },
  { arbitrary: junk, weight: 1 },
);
/** Mostly valid fields, one broken at a time more often than not (so accepted specs are evaluated too). */
const mostly = <T>(a: fc.Arbitrary<T>) => fc.oneof({ arbitrary: a, weight: 6 }, { arbitrary: junk, weight: 1 });
const spec = fc.record(
  {
    id: mostly(fc.oneof({ arbitrary: fc.constantFrom('ok.id', 'a/b:c'), weight: 9 }, { arbitrary: fc.constantFrom('', 'bad id'), weight: 1 })),
    statement: mostly(fc.oneof({ arbitrary: fc.constant('s'), weight: 9 }, { arbitrary: fc.constant(''), weight: 1 })),
    relation: mostly(fc.oneof({ arbitrary: fc.constantFrom('<=', '>=', '<', '>', '=='), weight: 9 }, { arbitrary: fc.constant('=<'), weight: 1 })),
    lhs: mostly(
      fc.constantFrom(
        (q: { N: number }) => q.N,
        (q: { lambdaMinNTK: number }) => q.lambdaMinNTK,
        (q: { maxInnerProduct: number }) => q.maxInnerProduct,
      ),
    ),
    rhs: mostly(
      fc.constantFrom(
        () => 1,
        (q: { d: number }) => q.d * 100,
      ),
    ),
    instances: mostly(
      fc.record(
        {
          n: range,
          d: range,
          depth: fc.oneof(range, fc.constant(undefined)),
          data: fc.oneof(
            { arbitrary: fc.constantFrom(['gaussian'], ['unit-sphere', 'rademacher'], undefined), weight: 6 },
            { arbitrary: fc.constant(['nope']), weight: 1 },
            { arbitrary: junk, weight: 1 },
          ),
        },
        { requiredKeys: ['n'] },
      ),
    ),
    kind: fc.oneof(fc.constantFrom('deterministic', 'high-probability', 'asymptotic', 'bogus'), fc.constant(undefined)),
    delta: fc.oneof(fc.double(), fc.constant(undefined)),
  },
  { requiredKeys: ['id', 'statement', 'relation', 'lhs', 'rhs', 'instances'] },
);

describe('fuzzed proposals fail cleanly', () => {
  test.prop([spec, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: RUNS })('bound specifications', (s, seed) => {
    const t = clean(() => defineBound(s as never)) as ReturnType<typeof defineBound> | undefined;
    if (!t) return;
    // Accepted: evaluating one generated instance either works or is a defect of the proposal.
    const d = fc.sample(t.descriptors, { seed, numRuns: 1 })[0];
    try {
      evaluate(t, d);
    } catch (e) {
      if (!(e instanceof TheoremEvaluationError) && !(e instanceof UserError)) throw new Error(`unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`);
    }
  });

  const dir = mkdtempSync(join(tmpdir(), 'ntk-proposals-'));
  const source = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom(
      'export default 42;',
      'export const bound = { id: "x" };',
      'export default [];',
      'throw new Error("at load");',
      'export default defineBound({ id: "x" });',
      "import { defineBound } from '../../src/audit/defineBound.ts'; export default defineBound({ id: 'x', statement: 's', relation: '<=', lhs: () => 1, rhs: () => 2, instances: { n: [2, 4], d: [2, 3] } });",
      'export default {',
      'syntax error here',
    ),
  );
  let k = 0;
  test.prop([source], { numRuns: Math.max(50, Math.round(RUNS / 50)) })('proposal modules on disk', async (src) => {
    const file = join(dir, `p${k++}.ts`);
    writeFileSync(file, src);
    try {
      await loadProposal(file);
    } catch (e) {
      if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      expect(e.message).not.toMatch(/[\r\n]/);
    }
  });
});
