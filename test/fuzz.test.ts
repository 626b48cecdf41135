import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { UserError } from '../src/errors.ts';
import { parseCsv } from '../src/io/csv.ts';
import { parseJsonData } from '../src/io/json.ts';
import { matrixToNpyBuffer, parseNpy } from '../src/io/npy.ts';
import { allFinite, type Matrix } from '../src/linalg/matrix.ts';
import { parseBaseline } from '../src/report/baseline.ts';
import { mergeReports } from '../src/report/merge.ts';
import { sampleReport } from '../src/report/fixtures.ts';
import { parseReport, reportJson } from '../src/report/write.ts';
import { parseArtifact } from '../src/search/artifact.ts';
import { replayArtifact } from '../src/search/replay.ts';
import { searchTheorem } from '../src/search/search.ts';
import { parseRunOptions } from '../src/cli/run.ts';
import { parseKernelOptions } from '../src/cli/kernel.ts';
import { presentationInverseQuadForm } from '../properties/twoLayerHInfinity.ts';

/**
 * Fuzzing every input path with malformed inputs (5,000 per path in `npm test`, FUZZ_RUNS=N for more: under CI=true
 * the seed is fixed, so CI replays the same inputs at every commit, and locally each run draws new ones): each must either
 * parse into something valid or fail with a one-line UserError — never another exception type,
 * never a multi-line message (the CLI prints the message as is and exits 2).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
/** The slowest path, merge (parse + merge of 10,000 mutated shard reports), took 56 s on 2 cores at load ≈ 12. */
const TIMEOUT = 180_000 * Math.max(1, RUNS / 10_000);

function expectCleanFailure(f: () => unknown, ok: (v: unknown) => void = () => {}): void {
  let v: unknown;
  try {
    v = f();
  } catch (e) {
    if (!(e instanceof UserError)) throw new Error(`not a UserError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
    expect(e.message).not.toMatch(/[\r\n]/);
    expect(e.message.length).toBeGreaterThan(0);
    return;
  }
  ok(v);
}

const validMatrix = (m: unknown) => {
  const x = m as Matrix;
  expect(x.data.length).toBe(x.rows * x.cols);
  expect(x.rows).toBeGreaterThan(0);
  expect(x.cols).toBeGreaterThan(0);
  expect(allFinite(x.data)).toBe(true);
};

/** A JSON mutation: replace / delete a node at a random position, or damage the text. */
type Mutation = { at: number; kind: 'replace' | 'delete' | 'truncate' | 'garbage' | 'dup'; value: unknown; cut: number; junk: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'truncate', 'garbage', 'dup'),
  value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, 'NaN', '1e999', -0, [], {}, '', 1e308)),
  cut: fc.nat(),
  junk: fc.string({ maxLength: 8 }),
});

/**
 * A document prepared for mutation: its JSON text and the path of every node in the order of a depth-first
 * walk (at most 5,000 nodes are descended into), computed once instead of once per run.
 */
type Prepared = { text: string; paths: (string | number)[][] };
function prepare(doc: unknown): Prepared {
  const text = JSON.stringify(doc);
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (v && typeof v === 'object')
      for (const k of Object.keys(v)) {
        const key = Array.isArray(v) ? Number(k) : k;
        paths.push([...path, key]);
        if (paths.length < 5000) walk((v as Record<string, unknown>)[k], [...path, key]);
      }
  };
  walk(JSON.parse(text), []);
  return { text, paths };
}

function mutateJson(doc: Prepared, m: Mutation): string {
  const { text, paths } = doc;
  if (m.kind === 'truncate') return text.slice(0, m.cut % Math.max(1, text.length));
  if (m.kind === 'garbage') {
    const i = m.cut % Math.max(1, text.length);
    return text.slice(0, i) + m.junk + text.slice(i);
  }
  if (paths.length === 0) return JSON.stringify(m.value);
  const clone = JSON.parse(text);
  const path = paths[m.at % paths.length];
  let parent = clone as Record<string, unknown> | unknown[];
  for (const k of path.slice(0, -1)) parent = (parent as Record<string, unknown>)[k as string] as Record<string, unknown> | unknown[];
  const key = path[path.length - 1];
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Record<string, unknown>)[key as string];
  } else if (m.kind === 'dup' && Array.isArray(parent)) parent.push(parent[key as number]);
  else (parent as Record<string, unknown>)[key as string] = m.value;
  return JSON.stringify(clone);
}

describe('fuzzed inputs fail cleanly', { timeout: TIMEOUT }, () => {
  const csvCell = fc.oneof(
    fc.double().map(String),
    fc.constantFrom('', 'NaN', 'inf', '-Infinity', '1e999', 'x', '"1"', ' 2 ', '#', '1,5'),
    fc.string({ maxLength: 4 }),
  );
  const csvText = fc
    .array(
      fc.array(csvCell, { minLength: 0, maxLength: 5 }).map((r) => r.join(',')),
      { maxLength: 6 },
    )
    .chain((rows) => fc.constantFrom('\n', '\r\n', ';').map((sep) => rows.join(sep)));
  test.prop([fc.oneof(csvText, fc.string({ maxLength: 40 }))], { numRuns: RUNS })('CSV data', (text) => {
    expectCleanFailure(() => parseCsv(text, 'fuzz.csv'), validMatrix);
  });

  const jsonData = [
    prepare({
      data: [
        [1, 2],
        [3, 4],
      ],
    }),
    prepare([
      [0.5, -1],
      [2, 3],
      [1e-300, 7],
    ]),
  ];
  test.prop(
    [
      fc.oneof(
        fc.json({ maxDepth: 3 }),
        mutation.map((m) => mutateJson(jsonData[0], m)),
        mutation.map((m) => mutateJson(jsonData[1], m)),
      ),
    ],
    { numRuns: RUNS },
  )('JSON data', (text) => {
    expectCleanFailure(() => parseJsonData(text, 'fuzz.json'), validMatrix);
  });

  const npy = new Uint8Array(matrixToNpyBuffer({ rows: 3, cols: 2, data: Float64Array.from([1, 2, 3, 4, 5, 6]) }));
  const npyMutation = fc.record({
    cut: fc.nat(),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
    kind: fc.constantFrom('truncate', 'flip', 'extend', 'header'),
  });
  test.prop([npyMutation], { numRuns: RUNS })('.npy data', (m) => {
    let buf: Uint8Array;
    if (m.kind === 'truncate') buf = npy.slice(0, m.cut % npy.length);
    else if (m.kind === 'extend') buf = Uint8Array.from([...npy, m.byte]);
    else {
      buf = npy.slice();
      const i = m.kind === 'header' ? m.at % 128 : 128 + (m.at % (npy.length - 128));
      buf[i] = m.byte;
    }
    expectCleanFailure(() => parseNpy(buf, 'fuzz.npy'), validMatrix);
  });

  // A real certified counterexample of the false presentation inequality, then mutated.
  const run = searchTheorem(presentationInverseQuadForm, { seed: 'fuzz', numRuns: 30 });
  const artifact = prepare(run.counterexamples.smallest!.artifact);
  test.prop([mutation], { numRuns: RUNS })('counterexample artifacts (parse + replay)', (m) => {
    expectCleanFailure(() => {
      const a = parseArtifact(mutateJson(artifact, m), 'fuzz artifact');
      return replayArtifact(a, [presentationInverseQuadForm]);
    });
  });

  const baseline = {
    format: 'ntk-audit/baseline',
    version: 1,
    seed: 's',
    budgetSeconds: 10,
    tolerance: 0.25,
    theorems: { a: { status: 'holds', empiricalConstant: 1.5 }, b: { status: 'violated', empiricalConstant: null } },
  };
  const baselineDoc = prepare(baseline);
  test.prop([mutation], { numRuns: RUNS })('baselines', (m) => {
    expectCleanFailure(() => parseBaseline(mutateJson(baselineDoc, m), 'fuzz baseline'));
  });

  // Each theorem keeps 4 of its instance records: the structure is the same (every field, every status), the
  // documents are ~10× smaller, so a mutation lands on a structural node more often and a run costs ~1 ms.
  const shard = (k: number) => {
    const r = structuredClone(sampleReport());
    r.run.shard = { index: k, count: 2 };
    r.theorems = r.theorems
      .filter((_, i) => i % 2 === k - 1)
      .map((t, i) => ({ ...t, order: 2 * i + k - 1, ...(Array.isArray(t.instances) ? { instances: t.instances.slice(0, 4) } : {}) }));
    return JSON.parse(reportJson(r));
  };
  const s1 = shard(1),
    s2 = shard(2);
  const parsed = [parseReport(JSON.stringify(s1)), parseReport(JSON.stringify(s2))];
  const shards = [prepare(s1), prepare(s2)];
  // the example: a schemaVersion that is an object without a usable toString (it once made a TypeError of the message)
  const badVersion: [Mutation, boolean] = [{ at: 0, kind: 'replace', value: [{ toString: null }], cut: 0, junk: '' }, false];
  test.prop([mutation, fc.boolean()], { numRuns: RUNS, examples: [badVersion] })('shard reports given to merge', (m, which) => {
    expectCleanFailure(() => {
      const a = parseReport(mutateJson(shards[which ? 0 : 1], m), 'fuzz report');
      return mergeReports([
        { path: 'a', report: a },
        { path: 'b', report: structuredClone(parsed[which ? 1 : 0]) },
      ]);
    });
  });

  const flag = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('0', '-1', '1/0', '3/2', 'NaN', '1e9', '2/2', 'json,pdf', '', ' ', '1.5', 'Infinity'));
  test.prop([fc.record({ budget: flag, workers: flag, shard: flag, format: flag, seed: flag, theorem: flag }, { requiredKeys: [] })], { numRuns: RUNS })(
    'run flags',
    (raw) => {
      expectCleanFailure(() => parseRunOptions(raw));
    },
  );
  test.prop(
    [
      fc.constantFrom('limiting', 'nngp', 'ntk-empirical', 'h-infinity', 'bogus'),
      fc.record(
        { data: fc.constant('x.csv'), depth: flag, widths: flag, init: flag, parameterization: flag, wStd: flag, bStd: flag, seed: flag },
        { requiredKeys: ['data'] },
      ),
    ],
    { numRuns: RUNS },
  )('kernel flags', (kind, raw) => {
    expectCleanFailure(() => parseKernelOptions(kind, raw as never));
  });
});
