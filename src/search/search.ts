import fc from 'fast-check';
import { childRng } from '../random/rng.ts';
import { decide, evaluate, TheoremEvaluationError, type EvaluatedInstance } from '../theorem/verdict.ts';
import type { AnyTheorem, Descriptor, Outcome, Relation, Verdict } from '../theorem/types.ts';
import { buildArtifact, writeArtifactWithData, type Artifact } from './artifact.ts';
import { fastCheckSeed } from './seeds.ts';
import { DescriptorMemo, descriptorHash } from './descriptorMemo.ts';
import { bonferroni, failureRateExceeds, logLogFit, quantile, type LogLogFit } from './stats.ts';
import {
  combineRegimes,
  DEFAULT_SCALING_TOLERANCE,
  fitRegime,
  fittedConstant,
  scalingDraws,
  scalingPointOf,
  validateScalingLaw,
  type ScalingPoint,
  type ScalingResult,
} from './scaling.ts';
import { buildScalingEvidence, writeScalingEvidence } from './scalingEvidence.ts';
import { runPointSearch } from './adversarial.ts';

/**
 * The counterexample search for one theorem (docs/architecture.md#search):
 *   1. random exploration: `numRuns` descriptors drawn by fast-check from the theorem's arbitrary;
 *   2. shrinking: fast-check re-runs the property from the same seed and shrinks the first failure;
 *      the property fails only on a CERTIFIED violation (margin < −error bound), so every shrink
 *      step keeps the counterexample certified;
 *   3. targeted search: hill-climbing on the margin from the most promising instances, with the
 *      theorem's local moves (`mutate`) and restarts; then, for theorems that expose their data points
 *      (`points`: defineBound spaces with `geometry`), the cross-entropy method over the coordinates of one
 *      point of each of the two most promising instances (src/search/adversarial.ts); a violation found
 *      only by these phases is shrunk by fast-check from that example;
 *   4. probes just outside the assumptions (recorded as `outside`, with the raw verdict kept, to
 *      show where the claim stops holding).
 * High-probability claims instead run Monte Carlo per configuration with an exact binomial test;
 * asymptotic claims with a scaling law run a designed sweep and are judged by their fitted exponent
 * (src/search/scaling.ts).
 * Everything is a deterministic function of (theorem, seed, counts): no clocks, no worker identity.
 */

export interface SearchOptions {
  seed: string;
  numRuns: number;
  targetedSteps?: number;
  /** Evaluations of the targeted search over point coordinates (theorems with `points` only). */
  pointSteps?: number;
  probeRuns?: number;
  /** High-probability claims: configurations and draws per configuration. */
  hpConfigs?: number;
  hpDraws?: number;
  /**
   * Descriptors saved by earlier runs (src/search/exampleDb.ts), evaluated before the search: a certified
   * violation among them is a counterexample like any other (found by 'example'). Not used by
   * high-probability claims (a replayed failed draw would bias the rate test) or scaling claims (a sweep).
   */
  examples?: readonly Descriptor[];
  /** Scaling claims: draws per size and regime of the designed sweep. */
  scalingDraws?: number;
  /** Family-wise level for high-probability tests, Bonferroni-corrected over `claimsInRun` × `hpConfigs` tests. */
  alpha?: number;
  claimsInRun?: number;
  /** Where counterexample artifacts are written as soon as they are found (none when absent). */
  artifactsDir?: string;
  /** Upper bound on recorded instances kept in the result (all are counted). */
  maxRecords?: number;
  onProgress?: (p: { phase: string; evaluated: number; worstRelativeMargin: number }) => void;
}

export type Phase = 'example' | 'random' | 'shrink' | 'targeted' | 'probe' | 'monte-carlo' | 'sweep';

/** One evaluated instance: the fields of its Outcome (theorem/types.ts) and where the search found it. */
export interface InstanceRecord extends Pick<Outcome, 'verdict' | 'margin' | 'errorBound' | 'relativeMargin' | 'lhs' | 'rhs' | 'brokenAssumption'> {
  phase: Phase;
  descriptor: Descriptor;
  /** For probes outside the assumptions: what the conclusion gave there. */
  probeVerdict?: Verdict;
  probeRelativeMargin?: number;
  quantities?: Record<string, number>;
  cells?: Record<string, string>;
}

export interface CounterexampleRef {
  descriptor: Descriptor;
  relativeMargin: number;
  margin: number;
  errorBound: number;
  foundBy: Artifact['foundBy'];
  artifactPath?: string;
  artifact: Artifact;
}

export interface HighProbabilityConfigResult {
  configKey: string;
  delta: number;
  draws: number;
  failures: number;
  outside: number;
  /** Draws within their error bound, and draws that could not be evaluated (a side threw, or the draw timed out). */
  inconclusive: number;
  failureRateLower: number;
  failureRateUpper: number;
  rejected: boolean;
  /** See highProbabilityConfigVerdict. */
  status: 'rejected' | 'consistent' | 'inconclusive';
}

export type TheoremStatus = 'holds' | 'violated' | 'inconclusive' | 'error';

export interface TheoremRun {
  theoremId: string;
  status: TheoremStatus;
  expectRefuted: boolean;
  /** true when the status is what the catalog expects (holds for true claims, violated for planted ones). */
  asExpected: boolean;
  counts: Record<Verdict, number>;
  probeCounts: Record<Verdict, number>;
  evaluated: number;
  records: InstanceRecord[];
  errors: { descriptor: Descriptor; message: string }[];
  counterexamples: { count: number; smallest?: CounterexampleRef; worst?: CounterexampleRef; first?: CounterexampleRef };
  /** Smallest relative margin over conclusive (holds / violated) instances; NaN when there is none. */
  worstRelativeMargin: number;
  /** The relation of the claim's conclusions (the first evaluated inside the assumptions); absent when none was. */
  relation?: Relation;
  /**
   * Identity claims (relation '=='): the residual |lhs − rhs| in units of its error bound, over the
   * instances inside the assumptions — ≤ 1 means consistent. An identity has no signed margin.
   */
  identity?: { instances: number; maxResidualRatio: number; medianResidualRatio: number };
  fastCheck?: { seed: number; path?: string; numShrinks?: number };
  /** alpha: the level of EACH configuration's test (the family-wise level divided by the number of tests in the run). */
  highProbability?: { alpha: number; configs: HighProbabilityConfigResult[] };
  empiricalConstant?: { quantity: string; aggregate: 'min' | 'max' | 'fitted'; value: number; description: string };
  /** Examples of earlier runs replayed first, and those this run offers to the example database. */
  examples?: {
    replayed: number;
    violated: number;
    save: { descriptor: Descriptor; role: 'counterexample' | 'near-miss'; relativeMargin: number | null }[];
    /** Replayed descriptors the claim cannot evaluate (e.g. cached under an older descriptor shape): skipped, not errors of the claim. */
    skipped: { descriptor: Descriptor; message: string }[];
  };
  /** Asymptotic claims with a scaling law: the sweep, the fitted exponents and the verdict they give. */
  scaling?: ScalingResult & { evidencePath?: string };
  /** Fraction of the conclusive instances on which the inequality could not have failed (Evaluation.vacuous). */
  vacuity?: { instances: number; vacuous: number; rate: number };
  /**
   * The largest observed lhs/rhs of a '<=' or '<' claim (rhs/lhs of '>=' or '>') over conclusive instances
   * with both sides positive: 1 is a tight claim, ≪ 1 a loose one, > 1 a violated one.
   */
  sharpness?: number;
  scalingFit?: LogLogFit & { x: string; y: string; description: string; expectedSlope?: { low: number; high: number }; consistent?: boolean };
}

const emptyCounts = (): Record<Verdict, number> => ({ holds: 0, violated: 0, inconclusive: 0, outside: 0 });

export function searchTheorem(theorem: AnyTheorem, opts: SearchOptions): TheoremRun {
  const state = new SearchState(theorem, opts);
  try {
    if (theorem.kind === 'high-probability') runHighProbability(state);
    else if (theorem.scalingLaw) runScaling(state);
    else {
      runExamples(state);
      runRandomAndShrink(state);
      const hadViolation = state.counts.violated > 0;
      runTargeted(state);
      runPoints(state);
      // A violation found only by the targeted phases: shrink it with fast-check from that example.
      if (!hadViolation && state.counts.violated > 0) shrinkTargeted(state);
    }
    runProbes(state);
  } catch (e) {
    if (!(e instanceof TheoremEvaluationError)) throw e;
    state.errors.push({ descriptor: {}, message: e.message });
  }
  return state.finish();
}

interface Violation {
  ev: EvaluatedInstance;
  foundBy: Artifact['foundBy'];
  ref?: CounterexampleRef;
}

class SearchState {
  readonly counts = emptyCounts();
  readonly probeCounts = emptyCounts();
  readonly records: InstanceRecord[] = [];
  readonly errors: { descriptor: Descriptor; message: string }[] = [];
  readonly memo = new DescriptorMemo<EvaluatedInstance | null>();
  evaluated = 0;
  /**
   * Every certified violation, kept as the evaluated instance only: the exact JSON artifact (every
   * float64 of the instance as a round-trip string) is built just for the counterexamples the run
   * keeps (first, smallest, worst). Building it eagerly for every violation was 6 % of the search
   * time on the 26 small claims of bench/throughput.ts (planted claims violate on most instances).
   */
  violations: Violation[] = [];
  first?: CounterexampleRef;
  smallest?: CounterexampleRef;
  fastCheck?: TheoremRun['fastCheck'];
  highProbability?: TheoremRun['highProbability'];
  worstRelativeMargin = Infinity;
  relation?: Relation;
  /** Identity claims: |lhs − rhs| / errorBound of every evaluated instance inside the assumptions. */
  readonly residualRatios: number[] = [];
  conclusive = 0;
  vacuous = 0;
  sharpness = -Infinity;
  scaling?: TheoremRun['scaling'];
  examplesReplayed?: number;
  examplesViolated = 0;
  examplesSkipped: { descriptor: Descriptor; message: string }[] = [];

  /**
   * What this run offers the example database: its kept counterexamples, then the 4 conclusive in-assumption
   * records closest to failing (smallest relative margin; a near-miss of a true claim is where its next
   * counterexample, if any, is likeliest).
   */
  examplesToSave(run: TheoremRun): NonNullable<TheoremRun['examples']>['save'] {
    const out: NonNullable<TheoremRun['examples']>['save'] = [];
    for (const ref of [run.counterexamples.smallest, run.counterexamples.worst])
      if (ref)
        out.push({ descriptor: ref.descriptor, role: 'counterexample', relativeMargin: Number.isFinite(ref.relativeMargin) ? ref.relativeMargin : null });
    const close = this.records
      .filter((r) => r.verdict === 'holds' && r.phase !== 'probe' && Number.isFinite(r.relativeMargin))
      .sort((a, b) => a.relativeMargin - b.relativeMargin)
      .slice(0, 4);
    for (const r of close) out.push({ descriptor: r.descriptor, role: 'near-miss', relativeMargin: r.relativeMargin });
    return out;
  }

  constructor(
    readonly theorem: AnyTheorem,
    readonly opts: SearchOptions,
  ) {}

  /** Evaluates (memoised by descriptor) and records; returns null when the theorem's own code failed. */
  eval(descriptor: Descriptor, phase: Phase): EvaluatedInstance | null {
    const key = descriptorHash(descriptor); // computed once for the lookup and the store
    const hit = this.memo.get(descriptor, key); // EvaluatedInstance, or null for an error: never undefined when present
    if (hit !== undefined) return hit;
    let ev: EvaluatedInstance | null = null;
    try {
      ev = evaluate(this.theorem, descriptor);
    } catch (e) {
      if (!(e instanceof TheoremEvaluationError)) throw e;
      // A replayed example comes from a file (the example database), not from the claim's generator: one the
      // claim cannot evaluate is stale data, skipped with a warning, not an error of the claim.
      if (phase === 'example') this.examplesSkipped.push({ descriptor, message: e.message.split('\n')[0] });
      else if (this.errors.length < 20) this.errors.push({ descriptor, message: e.message });
    }
    if (ev) this.record(ev, phase);
    // The memo keeps the materialised instance (data matrices, networks) only where it is still
    // needed: a violation may become a counterexample artifact. Keeping every instance alive until
    // the search ends made the young-generation GC copy and promote them all (up to 0.1 MB each,
    // ~10 MB per search for the concentration claims); GC was 11 % of the search time on the 26
    // small claims of bench/throughput.ts before.
    // (A skipped example is not memoised: should the generator reach the same descriptor, its error is the claim's.)
    if (ev || phase !== 'example')
      this.memo.set(descriptor, ev && ev.outcome.verdict !== 'violated' ? { descriptor: ev.descriptor, instance: undefined, outcome: ev.outcome } : ev, key);
    return ev;
  }

  record(ev: EvaluatedInstance, phase: Phase, probe?: Outcome): void {
    const o = ev.outcome;
    this.evaluated++;
    this.counts[o.verdict]++;
    if (o.verdict !== 'outside') {
      this.relation ??= o.relation;
      if (o.relation === '==') this.residualRatios.push(residualRatio(o));
    }
    // The worst margin over conclusive instances: an inconclusive margin lies within its error bound and says nothing.
    if (o.verdict === 'holds' || o.verdict === 'violated') {
      if (o.relativeMargin < this.worstRelativeMargin) this.worstRelativeMargin = o.relativeMargin;
      if (phase !== 'probe') {
        this.conclusive++;
        if (o.vacuous) this.vacuous++;
        const ratio = sidesRatio(o);
        if (ratio > this.sharpness) this.sharpness = ratio;
      }
    }
    if (this.records.length < (this.opts.maxRecords ?? 5000)) this.records.push(this.makeRecord(ev, phase, probe));
    // A single failed draw of a high-probability claim is allowed (rate δ): it becomes a
    // counterexample only when the binomial test rejects (see runHighProbability) — whatever phase
    // drew it (a boundary probe that lands inside the assumptions is one more draw).
    if (o.verdict === 'violated' && this.theorem.kind !== 'high-probability')
      this.noteViolation(ev, phase === 'shrink' ? 'shrunk' : phase === 'targeted' ? 'targeted' : phase === 'example' ? 'example' : 'random');
    this.opts.onProgress?.({ phase, evaluated: this.evaluated, worstRelativeMargin: this.worstRelativeMargin });
  }

  makeRecord(ev: EvaluatedInstance, phase: Phase, probe?: Outcome): InstanceRecord {
    const o = ev.outcome;
    const rec: InstanceRecord = {
      phase,
      descriptor: ev.descriptor,
      verdict: o.verdict,
      margin: o.margin,
      errorBound: o.errorBound,
      relativeMargin: o.relativeMargin,
      lhs: o.lhs,
      rhs: o.rhs,
    };
    // Optional fields assigned in this order (the order of the report's JSON), without object spreads.
    if (o.brokenAssumption) rec.brokenAssumption = o.brokenAssumption;
    if (probe) {
      rec.probeVerdict = probe.verdict;
      rec.probeRelativeMargin = probe.relativeMargin;
    }
    if (o.quantities) rec.quantities = o.quantities;
    if (this.theorem.cells) rec.cells = this.theorem.cells(ev.descriptor);
    return rec;
  }

  noteViolation(ev: EvaluatedInstance, foundBy: Artifact['foundBy']): void {
    const v: Violation = { ev, foundBy };
    this.violations.push(v);
    if (!this.first) {
      this.first = this.refOf(v);
      // Written at once, so that a run killed later still leaves the counterexample on disk.
      if (this.opts.artifactsDir) this.first.artifactPath = writeArtifactWithData(this.opts.artifactsDir, this.first.artifact, ev.instance).path;
    }
  }

  /** The counterexample reference (with its artifact) of a violation; built once per violation. */
  refOf(v: Violation): CounterexampleRef {
    if (!v.ref) {
      const { ev, foundBy } = v;
      const artifact = buildArtifact(this.theorem, ev.descriptor as Record<string, unknown>, ev.instance, ev.outcome, { runSeed: this.opts.seed, foundBy });
      v.ref = {
        descriptor: ev.descriptor,
        relativeMargin: ev.outcome.relativeMargin,
        margin: ev.outcome.margin,
        errorBound: ev.outcome.errorBound,
        foundBy,
        artifact,
      };
    }
    return v.ref;
  }

  /** The instance behind a counterexample reference (for its .npy data files). */
  instanceOf(ref: CounterexampleRef): unknown {
    return this.violations.find((v) => v.ref === ref || v.ev.descriptor === ref.descriptor)?.ev.instance;
  }

  /** The first violation whose descriptor is `d` (the memo holds one evaluation per descriptor). */
  violationOf(d: Descriptor): Violation | undefined {
    const ev = this.memo.get(d);
    return ev ? this.violations.find((v) => v.ev === ev) : undefined;
  }

  finish(): TheoremRun {
    const t = this.theorem;
    let worstV: Violation | undefined;
    for (const v of this.violations) if (!worstV || v.ev.outcome.relativeMargin < worstV.ev.outcome.relativeMargin) worstV = v;
    const worst = worstV ? this.refOf(worstV) : undefined;
    for (const ref of [this.smallest, worst])
      if (ref && this.opts.artifactsDir && !ref.artifactPath)
        ref.artifactPath = writeArtifactWithData(this.opts.artifactsDir, ref.artifact, this.instanceOf(ref)).path;
    // A high-probability claim is refuted only by its rate test, and holds only where a rate test with
    // teeth was consistent with δ (inconclusive and outside draws are not successes).
    const hpConfigs = this.highProbability?.configs ?? [];
    const violated = t.kind === 'high-probability' ? hpConfigs.some((c) => c.status === 'rejected') : this.counts.violated > 0;
    let status: TheoremStatus;
    if (this.errors.length > 0) status = 'error';
    else if (violated) status = 'violated';
    else if (t.kind === 'high-probability' ? hpConfigs.some((c) => c.status === 'consistent') : this.counts.holds > 0) status = 'holds';
    else status = 'inconclusive';
    const expectRefuted = t.expectRefuted === true;
    const run: TheoremRun = {
      theoremId: t.id,
      status,
      expectRefuted,
      asExpected: expectRefuted ? status === 'violated' : status === 'holds',
      counts: this.counts,
      probeCounts: this.probeCounts,
      evaluated: this.evaluated,
      records: this.records,
      errors: this.errors,
      counterexamples: { count: this.violations.length, smallest: this.smallest ?? this.first, worst, first: this.first },
      worstRelativeMargin: this.worstRelativeMargin === Infinity ? NaN : this.worstRelativeMargin,
      ...(this.relation ? { relation: this.relation } : {}),
      ...(this.fastCheck ? { fastCheck: this.fastCheck } : {}),
      ...(this.highProbability ? { highProbability: this.highProbability } : {}),
    };
    if (this.examplesReplayed !== undefined)
      run.examples = { replayed: this.examplesReplayed, violated: this.examplesViolated, save: this.examplesToSave(run), skipped: this.examplesSkipped };
    if (this.conclusive > 0) run.vacuity = { instances: this.conclusive, vacuous: this.vacuous, rate: this.vacuous / this.conclusive };
    if (Number.isFinite(this.sharpness) && t.scalingLaw === undefined) run.sharpness = this.sharpness;
    if (this.scaling) {
      run.scaling = this.scaling;
      // An asymptotic claim with a scaling law is judged by its exponent (an error still wins).
      if (status !== 'error') {
        run.status = this.scaling.status;
        run.asExpected = expectRefuted ? run.status === 'violated' : run.status === 'holds';
      }
      run.empiricalConstant = {
        quantity: 'C',
        aggregate: 'fitted',
        value: this.scaling.fittedConstant,
        description: `FITTED (not the paper's constant): geometric mean of ${this.scaling.quantity} / ${this.scaling.variable}^${this.scaling.exponent} over the sweep`,
      };
    }
    if (this.relation === '==' && this.residualRatios.length > 0) {
      const r = Float64Array.from(this.residualRatios).sort();
      run.identity = { instances: r.length, maxResidualRatio: r[r.length - 1], medianResidualRatio: quantile(r, 0.5) };
    }
    if (t.empiricalConstant && !this.scaling) {
      const { quantity, aggregate, description } = t.empiricalConstant;
      const vals = this.records
        .filter((r) => r.verdict !== 'outside' && r.quantities && Number.isFinite(r.quantities[quantity]))
        .map((r) => r.quantities![quantity]);
      if (vals.length > 0) run.empiricalConstant = { quantity, aggregate, description, value: aggregate === 'min' ? Math.min(...vals) : Math.max(...vals) };
    }
    if (t.scaling) {
      const pts = this.records
        .filter((r) => r.verdict !== 'outside')
        .map((r) => [pick(r, t.scaling!.x), pick(r, t.scaling!.y)] as const)
        .filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y));
      const distinctX = new Set(pts.map((p) => p[0])).size;
      if (pts.length >= 3 && distinctX >= 2) {
        const fit = logLogFit(
          pts.map((p) => p[0]),
          pts.map((p) => p[1]),
        );
        const e = t.scaling.expectedSlope;
        run.scalingFit = {
          ...fit,
          x: t.scaling.x,
          y: t.scaling.y,
          description: t.scaling.description,
          ...(e ? { expectedSlope: e, consistent: fit.slopeHigh >= e.low && fit.slopeLow <= e.high } : {}),
        };
      }
    }
    return run;
  }
}

/** lhs/rhs of a '<=' or '<' outcome, rhs/lhs of '>=' or '>', when both sides are positive; else −∞. */
function sidesRatio(o: Outcome): number {
  if (!(o.lhs > 0 && o.rhs > 0) || !Number.isFinite(o.lhs) || !Number.isFinite(o.rhs)) return -Infinity;
  if (o.relation === '<=' || o.relation === '<') return o.lhs / o.rhs;
  if (o.relation === '>=' || o.relation === '>') return o.rhs / o.lhs;
  return -Infinity;
}

/**
 * The designed sweep of a scaling claim: every regime × size × draw, in that order (deterministic in the
 * run seed and the theorem id), then one fit per regime (src/search/scaling.ts). A draw is usable when it
 * lies inside the assumptions and its conclusion certifies y > 0 with relative error ≤ 1e-3. When the claim
 * is refuted, the sweep is written as replayable evidence (src/search/scalingEvidence.ts).
 */
function runScaling(s: SearchState): void {
  const { theorem, opts } = s;
  const law = theorem.scalingLaw!;
  validateScalingLaw(theorem.id, law);
  const draws = opts.scalingDraws ?? scalingDraws(law, opts.numRuns);
  const alpha = bonferroni(opts.alpha ?? 0.05, Math.max(1, opts.claimsInRun ?? 1) * law.regimes.length);
  const sizes = [...law.sizes];
  const regimes = [];
  const evidence: { regime: string; draws: { descriptor: Descriptor; x: number; y: number }[] }[] = [];
  const all: ScalingPoint[] = [];
  for (const regime of law.regimes) {
    const pts: ScalingPoint[] = [];
    const used: { descriptor: Descriptor; x: number; y: number }[] = [];
    let unusable = 0;
    for (const size of sizes) {
      for (let draw = 0; draw < draws; draw++) {
        const d = law.design({ regime, size, draw, seed: `${opts.seed}/${theorem.id}/${regime}/${size}/${draw}` }) as Descriptor;
        const ev = s.eval(d, 'sweep');
        if (!ev) {
          unusable++;
          continue;
        }
        const pt = scalingPointOf(ev.outcome, d, law.variable);
        if (!pt) {
          unusable++;
          continue;
        }
        pts.push(pt);
        used.push({ descriptor: d, ...pt });
      }
    }
    regimes.push(fitRegime(regime, pts, unusable, law, alpha));
    evidence.push({ regime, draws: used });
    all.push(...pts);
  }
  const result: ScalingResult = {
    variable: law.variable,
    quantity: law.quantity,
    relation: law.relation,
    exponent: law.exponent,
    tolerance: law.tolerance ?? DEFAULT_SCALING_TOLERANCE,
    alpha,
    sizes,
    drawsPerSize: draws,
    regimes,
    status: combineRegimes(regimes.map((r) => r.status)),
    fittedConstant: fittedConstant(all, law.exponent),
  };
  s.scaling = result;
  if (result.status === 'violated' && opts.artifactsDir) {
    s.scaling = { ...result, evidencePath: writeScalingEvidence(opts.artifactsDir, buildScalingEvidence(theorem, result, evidence, opts.seed)) };
  }
}

/** |lhs − rhs| / errorBound of an identity's outcome (0 for an exact match, ∞ for a mismatch with no error). */
export function residualRatio(o: Pick<Outcome, 'margin' | 'errorBound'>): number {
  const residual = Math.abs(o.margin);
  if (residual === 0) return 0;
  return o.errorBound > 0 ? residual / o.errorBound : Infinity;
}

function pick(r: InstanceRecord, name: string): number {
  const q = r.quantities?.[name];
  if (typeof q === 'number') return q;
  const d = r.descriptor[name];
  return typeof d === 'number' ? d : NaN;
}

function runExamples(s: SearchState): void {
  const ex = s.opts.examples;
  if (!ex || s.theorem.kind === 'high-probability' || s.theorem.scalingLaw) return;
  s.examplesReplayed = 0;
  for (const d of ex) {
    const ev = s.eval(d, 'example');
    s.examplesReplayed++;
    if (ev?.outcome.verdict === 'violated') s.examplesViolated++;
  }
}

/**
 * The property fast-check shrinks against: a descriptor fails it when its instance is a certified violation.
 * Every evaluation it makes is recorded as 'shrink' (the memo answers descriptors evaluated before).
 */
function shrinkProperty(s: SearchState) {
  return fc.property(s.theorem.descriptors, (d: Descriptor) => {
    const ev = s.eval(d, 'shrink');
    return !(ev && ev.outcome.verdict === 'violated');
  });
}

function runRandomAndShrink(s: SearchState): void {
  const { theorem, opts } = s;
  const seed = fastCheckSeed(opts.seed, theorem.id, 'random');
  // Exploration: the whole budget is evaluated (fc.check alone would stop at the first failure).
  for (const d of fc.sample(theorem.descriptors, { seed, numRuns: opts.numRuns })) s.eval(d as Descriptor, 'random');
  if (s.counts.violated === 0) return;
  // Shrinking from the same seed: fc.check first re-runs the generated values, which the exploration
  // above evaluated (memo hits: nothing new is recorded), so every new evaluation is a shrink candidate
  // and is recorded as 'shrink' from the start of fc.check.
  const details = fc.check(shrinkProperty(s), { seed, numRuns: opts.numRuns, reporter: () => {} });
  if (details.failed && details.counterexample) {
    const d = details.counterexample[0] as Descriptor;
    const ev = s.memo.get(d);
    if (ev && ev.outcome.verdict === 'violated') {
      const v = s.violationOf(d);
      s.smallest = v ? s.refOf(v) : undefined;
      if (s.smallest)
        s.smallest = {
          ...s.smallest,
          foundBy: details.numShrinks > 0 ? 'shrunk' : 'random',
          artifact: {
            ...s.smallest.artifact,
            foundBy: details.numShrinks > 0 ? 'shrunk' : 'random',
            fastCheck: { seed, path: details.counterexamplePath ?? '' },
          },
        };
    }
    s.fastCheck = { seed, path: details.counterexamplePath ?? undefined, numShrinks: details.numShrinks };
  }
}

/**
 * Hill-climbing on the relative margin from the `restarts` most promising in-assumption instances.
 * A move is kept when it lowers the relative margin and stays inside the assumptions.
 */
function runTargeted(s: SearchState): void {
  const { theorem, opts } = s;
  const steps = opts.targetedSteps ?? 0;
  if (!theorem.mutate || steps <= 0) return;
  const rng = childRng(opts.seed, theorem.id, 'targeted');
  // The 4 in-assumption records of smallest relative margin; ties (identities at margin 0, repeated
  // descriptors) broken by the descriptor's JSON compared as String#localeCompare does (an
  // Intl.Collator with default locale and options is that comparison, by ECMA-402), then by record
  // order — exactly the first 4 of a stable sort. A stable top-4 insertion instead of a full sort, each
  // JSON computed once and only on ties: re-stringifying both descriptors and calling localeCompare
  // in every comparison of the sort was 5 % of the search time of the 26 small claims of
  // bench/throughput.ts (identity claims tie on most records).
  const collator = defaultCollator();
  const json = new Map<InstanceRecord, string>();
  const jsonOf = (r: InstanceRecord) => {
    let k = json.get(r);
    if (k === undefined) json.set(r, (k = JSON.stringify(r.descriptor)));
    return k;
  };
  const before = (a: InstanceRecord, b: InstanceRecord) => a.relativeMargin - b.relativeMargin || collator.compare(jsonOf(a), jsonOf(b));
  const starts: InstanceRecord[] = [];
  for (const r of s.records) {
    if (r.verdict === 'outside' || !Number.isFinite(r.relativeMargin)) continue;
    if (starts.length === 4 && before(r, starts[3]) >= 0) continue;
    let pos = starts.length;
    while (pos > 0 && before(r, starts[pos - 1]) < 0) pos--;
    starts.splice(pos, 0, r);
    if (starts.length > 4) starts.pop();
  }
  if (starts.length === 0) return;
  const perStart = Math.max(1, Math.floor(steps / starts.length));
  for (const start of starts) {
    let cur = start.descriptor;
    let curMargin = start.relativeMargin;
    for (let k = 0; k < perStart; k++) {
      const cand = theorem.mutate(cur, rng) as Descriptor;
      const ev = s.eval(cand, 'targeted');
      if (!ev || ev.outcome.verdict === 'outside') continue;
      if (ev.outcome.relativeMargin < curMargin) {
        cur = cand;
        curMargin = ev.outcome.relativeMargin;
      }
    }
  }
}

/** Shrinks the first violation (found by a targeted phase) with fast-check, from that example. */
function shrinkTargeted(s: SearchState): void {
  const { theorem, opts } = s;
  const target = s.violations[0];
  const seed = fastCheckSeed(opts.seed, theorem.id, 'targeted-shrink');
  const details = fc.check(shrinkProperty(s), { seed, numRuns: 1, examples: [[target.ev.descriptor]], reporter: () => {} });
  if (details.failed && details.counterexample) {
    const d = details.counterexample[0] as Descriptor;
    const v = s.violationOf(d) ?? target;
    s.smallest = s.refOf(v);
  }
}

/**
 * The targeted search over point coordinates (src/search/adversarial.ts) from the 2 in-assumption records of
 * smallest relative margin (ties: record order), `pointSteps` evaluations in all.
 */
function runPoints(s: SearchState): void {
  const { theorem, opts } = s;
  const steps = opts.pointSteps ?? 0;
  if (!theorem.points || steps <= 0) return;
  const starts = s.records
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.verdict !== 'outside' && r.phase !== 'probe' && Number.isFinite(r.relativeMargin))
    .sort((a, b) => a.r.relativeMargin - b.r.relativeMargin || a.i - b.i)
    .slice(0, 2)
    .map(({ r }) => r.descriptor);
  runPointSearch(theorem, starts, steps, childRng(opts.seed, theorem.id, 'points'), (d) => {
    const ev = s.eval(d, 'targeted');
    if (!ev || ev.outcome.verdict === 'outside') return { value: Infinity, violated: false };
    return { value: ev.outcome.relativeMargin, violated: ev.outcome.verdict === 'violated' };
  });
}

/** One Intl.Collator for the process (measured: constructing one costs ~30 µs; the default locale is fixed). */
let collatorInstance: Intl.Collator | undefined;
function defaultCollator(): Intl.Collator {
  return (collatorInstance ??= new Intl.Collator());
}

function runProbes(s: SearchState): void {
  const { theorem, opts } = s;
  if (!theorem.probes || !(opts.probeRuns && opts.probeRuns > 0)) return;
  const seed = fastCheckSeed(opts.seed, theorem.id, 'probes');
  for (const d of fc.sample(theorem.probes, { seed, numRuns: opts.probeRuns })) {
    const descriptor = d as Descriptor;
    let ev: EvaluatedInstance;
    try {
      ev = evaluate(theorem, descriptor);
    } catch (e) {
      if (!(e instanceof TheoremEvaluationError)) throw e;
      if (s.errors.length < 20) s.errors.push({ descriptor, message: e.message });
      continue;
    }
    if (ev.outcome.verdict !== 'outside') {
      // The probe landed inside the assumptions: it is an ordinary instance.
      s.record(ev, 'random');
      continue;
    }
    // Outside: evaluate the conclusion anyway to map where the claim stops holding. Never a counterexample.
    let raw: Outcome | undefined;
    try {
      raw = decide(theorem.conclude(ev.instance, descriptor));
    } catch {
      raw = undefined;
    }
    s.probeCounts[raw?.verdict ?? 'inconclusive']++;
    s.record(ev, 'probe', raw);
    s.counts.outside--; // probes are counted in probeCounts, not in the claim's own counts
  }
}

/**
 * The per-test level of a run's high-probability tests: Bonferroni over EVERY test the run can make —
 * one exact binomial test per configuration of every claim (`claimsInRun` × `hpConfigs`). Using the
 * requested number of configurations (≥ the number actually tested after de-duplication) keeps the
 * level a deterministic function of the run's parameters, whatever the sharding, and only makes the
 * correction more conservative.
 */
export function highProbabilityTestLevel(opts: Pick<SearchOptions, 'alpha' | 'claimsInRun' | 'hpConfigs'>): number {
  return bonferroni(opts.alpha ?? 0.05, Math.max(1, opts.claimsInRun ?? 1) * Math.max(1, opts.hpConfigs ?? 4));
}

/**
 * The verdict of one configuration of a high-probability claim ("with probability ≥ 1 − δ, P holds"),
 * from its draws: `failures` certified violations, `inconclusive` draws whose margin lies within its
 * error bound or that could not be evaluated (a side or an assumption threw, or the draw timed out), among
 * `draws` draws not known to be outside the assumptions (outside draws are not counted at all).
 *
 *   rejected     — the exact one-sided binomial test rejects "failure rate ≤ δ" at level α even when every
 *                  inconclusive draw is counted as a success (the only way to refute such a claim: a
 *                  single failed draw is allowed, with rate δ, and is never a counterexample by itself);
 *   consistent   — the test does not reject even when every inconclusive draw is counted as a failure,
 *                  AND it could have rejected: with every draw failed it would have (otherwise too few
 *                  draws for the test to have teeth);
 *   inconclusive — neither (no valid draw, too few draws, or the inconclusive draws decide it).
 */
export function highProbabilityConfigVerdict(
  failures: number,
  inconclusive: number,
  draws: number,
  delta: number,
  alpha: number,
): { status: 'rejected' | 'consistent' | 'inconclusive'; lowerBound: number; upperBound: number } {
  if (draws <= 0) return { status: 'inconclusive', lowerBound: 0, upperBound: 1 };
  const optimistic = failureRateExceeds(failures, draws, delta, alpha);
  if (optimistic.reject) return { status: 'rejected', lowerBound: optimistic.lowerBound, upperBound: optimistic.upperBound };
  const pessimistic = failureRateExceeds(failures + inconclusive, draws, delta, alpha);
  const couldReject = failureRateExceeds(draws, draws, delta, alpha).reject;
  const status = !pessimistic.reject && couldReject ? 'consistent' : 'inconclusive';
  // The reported interval brackets both readings of the inconclusive draws.
  return { status, lowerBound: optimistic.lowerBound, upperBound: pessimistic.upperBound };
}

function runHighProbability(s: SearchState): void {
  const { theorem, opts } = s;
  if (!theorem.delta || !theorem.configKey) throw new TheoremEvaluationError(`${theorem.id}: a high-probability claim needs delta() and configKey()`);
  const alpha = highProbabilityTestLevel(opts);
  const seed = fastCheckSeed(opts.seed, theorem.id, 'configs');
  const configs = fc.sample(theorem.descriptors, { seed, numRuns: opts.hpConfigs ?? 4 }) as Descriptor[];
  const results: HighProbabilityConfigResult[] = [];
  // Distinct configurations (descriptors with the same key are draws of one experiment); the run's
  // draws are shared among them, so a claim whose space has few configurations tests each one harder.
  const distinct = new Map<string, Descriptor>();
  for (const cfg of configs) {
    const key = theorem.configKey(cfg);
    if (!distinct.has(key)) distinct.set(key, cfg);
  }
  const totalDraws = (opts.hpConfigs ?? 4) * (opts.hpDraws ?? 50);
  const draws = Math.max(1, Math.floor(totalDraws / Math.max(1, distinct.size)));
  for (const [key, cfg] of distinct) {
    let failures = 0,
      valid = 0,
      outside = 0,
      inconclusive = 0;
    let worstFailure: EvaluatedInstance | undefined;
    for (let t = 0; t < draws; t++) {
      const d = { ...cfg, seed: `${String(cfg.seed ?? '')}/draw${t}` };
      const ev = s.eval(d, 'monte-carlo');
      if (!ev) {
        // The claim's code threw (or the draw timed out, or was cut off): the draw was made but not decided.
        // Dropping it would condition the rate on the draws the sides can evaluate, which may be exactly the
        // ones where the claim fails; like an inconclusive draw it is a success for the refutation and a
        // failure for `consistent`.
        valid++;
        inconclusive++;
        continue;
      }
      if (ev.outcome.verdict === 'outside') {
        outside++;
        continue;
      }
      valid++;
      if (ev.outcome.verdict === 'violated') {
        failures++;
        if (!worstFailure || ev.outcome.relativeMargin < worstFailure.outcome.relativeMargin) worstFailure = ev;
      }
      if (ev.outcome.verdict === 'inconclusive') inconclusive++;
    }
    const delta = theorem.delta(cfg);
    const test = highProbabilityConfigVerdict(failures, inconclusive, valid, delta, alpha);
    const rejected = test.status === 'rejected';
    // Only a rejected rate test makes a counterexample: the worst failed draw, as evidence.
    if (rejected && worstFailure) s.noteViolation(worstFailure, 'monte-carlo');
    results.push({
      configKey: key,
      delta,
      draws: valid,
      failures,
      outside,
      inconclusive,
      failureRateLower: test.lowerBound,
      failureRateUpper: test.upperBound,
      rejected,
      status: test.status,
    });
  }
  s.highProbability = { alpha, configs: results };
}
