import { z } from 'zod';

/**
 * report.json — the machine interface of ntk-audit (docs/architecture.md#claim-coverage).
 * Versioned: readers check `schemaVersion` and validate with `reportSchema` (zod).
 *
 * Floating-point numbers that may be non-finite (margins of `outside` instances, empty minima) are
 * written as JSON numbers when finite and as null otherwise. Everything except `run.startedAt`,
 * `run.finishedAt` and the `timings` objects is a deterministic function of (seed, budget, catalog,
 * package version): it does not depend on the number of workers or on sharding.
 */
export const REPORT_SCHEMA_VERSION = 2;

const num = z.number().nullable();
const verdictCounts = z.object({ holds: z.number().int(), violated: z.number().int(), inconclusive: z.number().int(), outside: z.number().int() });

export const counterexampleSchema = z.object({
  role: z.enum(['smallest', 'worst']),
  descriptor: z.record(z.string(), z.unknown()),
  relativeMargin: num,
  margin: num,
  errorBound: num,
  foundBy: z.string(),
  /** Both sides of the violated relation on this instance (null in reports of older versions). */
  lhs: num.default(null),
  rhs: num.default(null),
  relation: z.enum(['<=', '>=', '<', '>', '==']).nullable().default(null),
  /** Identities (relation '=='): |lhs − rhs| / error bound (> 1: inconsistent); their margin and relativeMargin are null. */
  residualRatio: num.optional(),
  artifact: z.string().nullable(),
  replay: z.string().nullable(),
});

export const instanceSchema = z.object({
  phase: z.string(),
  verdict: z.enum(['holds', 'violated', 'inconclusive', 'outside']),
  relativeMargin: num,
  margin: num,
  errorBound: num,
  lhs: num,
  rhs: num,
  brokenAssumption: z.string().optional(),
  probeVerdict: z.enum(['holds', 'violated', 'inconclusive', 'outside']).optional(),
  quantities: z.record(z.string(), num).optional(),
  cells: z.record(z.string(), z.string()).optional(),
});

export const theoremReportSchema = z.object({
  id: z.string(),
  /** Position in the selected catalog (shards are merged back in this order). */
  order: z.number().int().optional(),
  title: z.string(),
  statement: z.string(),
  /** The statement with its mathematics in TeX (text with inline $…$ math, src/report/tex.ts); absent when the claim has none. */
  statementTex: z.string().optional(),
  source: z.object({ paper: z.string(), arxiv: z.string().optional(), statement: z.string() }),
  kind: z.enum(['deterministic', 'high-probability', 'asymptotic']),
  conventions: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  constants: z.array(z.object({ name: z.string(), value: z.number(), provenance: z.enum(['paper', 'derived', 'user', 'fitted']), note: z.string() })),
  status: z.enum(['holds', 'violated', 'inconclusive', 'error', 'skipped']),
  expectRefuted: z.boolean(),
  asExpected: z.boolean(),
  evaluated: z.number().int(),
  counts: verdictCounts,
  probeCounts: verdictCounts,
  /** Smallest relative margin over conclusive instances; null for identities (they have no signed margin). */
  worstRelativeMargin: num,
  relation: z.enum(['<=', '>=', '<', '>', '==']).nullable(),
  /** Identities (relation '=='): |lhs − rhs| / error bound over the instances inside the assumptions; ≤ 1 is consistent. */
  identity: z.object({ instances: z.number().int(), maxResidualRatio: num, medianResidualRatio: num }).nullable(),
  tightness: z.object({ min: num, p10: num, median: num, p90: num, max: num }).nullable(),
  coverage: z.object({
    cells: z.record(z.string(), z.record(z.string(), z.number().int())),
    exercised: z.number().int(),
    declared: z.number().int().nullable(),
    missing: z.array(z.string()),
  }),
  /** 'fitted' (scaling claims): the C of y ≈ C·x^e at the claimed exponent — fitted, never the paper's constant. */
  empiricalConstant: z.object({ quantity: z.string(), aggregate: z.enum(['min', 'max', 'fitted']), value: num, description: z.string() }).nullable(),
  /** The true claim this false variant strengthens (planted twins); null for other claims. */
  twinOf: z.string().nullable().default(null),
  /** Fraction of conclusive instances on which the inequality could not have failed; null when none were conclusive. */
  vacuity: z.object({ instances: z.number().int(), vacuous: z.number().int(), rate: z.number() }).nullable().default(null),
  /** Largest observed lhs/rhs (≤ claims) or rhs/lhs (≥ claims) over conclusive instances with positive sides. */
  sharpness: num.default(null),
  /**
   * The example database (src/search/exampleDb.ts): descriptors of earlier runs replayed first, and what this
   * run offers for the next (its kept counterexamples and closest calls). null when no example was replayed
   * or offered (high-probability and scaling claims never use it).
   */
  examples: z
    .object({
      replayed: z.number().int(),
      violated: z.number().int(),
      save: z.array(z.object({ descriptor: z.record(z.string(), z.unknown()), role: z.enum(['counterexample', 'near-miss']), relativeMargin: num })),
      /** Replayed descriptors the claim could not evaluate: skipped with a warning and dropped from the cache. */
      skipped: z.array(z.object({ descriptor: z.record(z.string(), z.unknown()), message: z.string() })).default([]),
    })
    .nullable()
    .default(null),
  /** Asymptotic claims judged by their exponent (src/search/scaling.ts). */
  scaling: z
    .object({
      variable: z.string(),
      quantity: z.string(),
      /** TeX math of quantity and variable (ScalingLaw.quantityTex / variableTex); absent when the law has none. */
      quantityTex: z.string().optional(),
      variableTex: z.string().optional(),
      relation: z.enum(['Theta', 'O', 'Omega']),
      exponent: z.number(),
      tolerance: z.number(),
      alpha: z.number(),
      sizes: z.array(z.number()),
      drawsPerSize: z.number().int(),
      status: z.enum(['holds', 'violated', 'inconclusive']),
      fittedConstant: num,
      evidence: z.string().nullable(),
      replay: z.string().nullable(),
      regimes: z.array(
        z.object({
          regime: z.string(),
          draws: z.number().int(),
          points: z.number().int(),
          unusable: z.number().int(),
          slope: num,
          slopeLow: num,
          slopeHigh: num,
          intercept: num,
          r2: num,
          status: z.enum(['holds', 'violated', 'inconclusive']),
        }),
      ),
    })
    .nullable()
    .default(null),
  scalingFit: z
    .object({
      x: z.string(),
      y: z.string(),
      description: z.string(),
      slope: num,
      intercept: num.optional(),
      slopeLow: num,
      slopeHigh: num,
      r2: num,
      n: z.number().int(),
      expectedSlope: z.object({ low: z.number(), high: z.number() }).nullable(),
      consistent: z.boolean().nullable(),
    })
    .nullable(),
  highProbability: z
    .object({
      /** The level of each configuration's test (Bonferroni over every test of the run). */
      alpha: z.number(),
      configs: z.array(
        z.object({
          configKey: z.string(),
          delta: z.number(),
          draws: z.number().int(),
          failures: z.number().int(),
          outside: z.number().int(),
          inconclusive: z.number().int(),
          failureRateLower: z.number(),
          failureRateUpper: z.number(),
          rejected: z.boolean(),
          status: z.enum(['rejected', 'consistent', 'inconclusive']),
        }),
      ),
    })
    .nullable(),
  counterexamples: z.object({ count: z.number().int(), items: z.array(counterexampleSchema) }),
  errors: z.array(z.object({ descriptor: z.record(z.string(), z.unknown()), message: z.string() })),
  fastCheck: z.object({ seed: z.number(), path: z.string().nullable(), numShrinks: z.number().int().nullable() }).nullable(),
  instances: z.array(instanceSchema),
  timings: z.object({ ms: z.number() }),
});

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('ntk-audit'), version: z.string() }),
  run: z.object({
    seed: z.string(),
    budgetSeconds: z.number(),
    theoremFilter: z.string().nullable(),
    shard: z.object({ index: z.number().int(), count: z.number().int() }).nullable(),
    shardsMerged: z.number().int(),
    interrupted: z.boolean(),
    startedAt: z.string(),
    finishedAt: z.string(),
    workers: z.number().int(),
    node: z.string(),
  }),
  summary: z.object({
    theorems: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    unexpected: z.array(z.string()),
    instances: z.number().int(),
    counterexamples: z.number().int(),
  }),
  theorems: z.array(theoremReportSchema),
  /**
   * The run's outcome as its exit code says it (src/report/outcome.ts): unexpected verdicts, baseline
   * regressions, claims not run. Every artifact shows it (summary.md's first line, the HTML banner,
   * junit.xml). null only in reports of older versions.
   */
  outcome: z
    .object({
      passed: z.boolean(),
      exitCode: z.number().int(),
      headline: z.string(),
      unexpected: z.array(z.string()),
      /** Claims selected but not run (interrupted run), in catalog order. */
      notRun: z.array(z.string()),
      interrupted: z.boolean(),
      baseline: z
        .object({
          file: z.string(),
          seed: z.string(),
          budgetSeconds: z.number(),
          compared: z.enum(['verdicts and constants', 'verdicts only']),
          regressions: z.array(z.object({ id: z.string(), kind: z.enum(['verdict', 'constant']), message: z.string() })),
          notes: z.array(z.string()),
        })
        .nullable(),
    })
    .nullable()
    .default(null),
  timings: z.object({ totalMs: z.number() }),
});

export type Report = z.infer<typeof reportSchema>;
export type TheoremReport = z.infer<typeof theoremReportSchema>;
export type CounterexampleReport = z.infer<typeof counterexampleSchema>;
