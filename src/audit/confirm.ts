import { buildArtifact, type Artifact } from '../search/artifact.ts';
import type { CounterexampleRef, InstanceRecord, TheoremRun } from '../search/search.ts';
import { encodeNumber } from '../theorem/codec.ts';
import type { Descriptor, Verdict } from '../theorem/types.ts';
import { decide, evaluateInstance, TheoremEvaluationError } from '../theorem/verdict.ts';
import { AUDIT_BOUND, type AuditTheorem, type CornerResult, type InequalitySpec, decodeAuditInstance, evaluateSide } from './defineBound.ts';
import { DIGITS, MAX_CONFIRM_N, METHOD, NoOracle, NotConfirmable, Oracle, TooLarge } from './highPrecision.ts';
import { type AuditInstance, type Enclosure, enclosureOf, muEnclosureOf, withEnclosures } from './quantities.ts';

/**
 * Confirmation of a counterexample in high precision before it is reported (runAudit.ts).
 *
 * The quantities the two sides read (CornerResult.touched and .intervalReads) are recomputed by the engine-independent
 * oracle of highPrecision.ts (decimal.js, DIGITS digits, LDLᵀ inertia bisection) from the stored
 * doubles; the sides are re-evaluated by the same corner evaluation as the search (defineBound.ts)
 * on enclosures derived from the decimal values (rounded outward to doubles), and the verdict is
 * decided again (src/theorem/verdict.ts). The spectral enclosures start as the engine's, widened and
 * proven by two inertia counts, and are bisected only while the verdict is still `inconclusive`.
 *
 * μ_r is read by quantities.ts from its own constant enclosure; it is checked to contain the decimal
 * value of μ_r instead of being replaced.
 *
 * NOT CONFIRMED: an instance (N ≤ maxN) beyond the oracle's cost limits (TooLarge) or with a quantity the oracle has
 * no form for (NoOracle: the limiting kernels of tanh, sigmoid, gelu, softplus; H∞ beyond the (a,b)-ReLU family and
 * erf or with biases; μ_r of tanh, sigmoid, softplus) gets status 'not-confirmed' with the reason, is not reported, and never counts as confirmed; 'skipped' is only
 * for N > maxN (runAudit.ts states that such a counterexample was not re-checked, and why).
 */

export type Confirmation =
  | {
      status: 'confirmed' | 'not-confirmed';
      method: string;
      digits: number;
      /** Decimal-derived enclosures (round-trip strings of doubles) of every quantity the sides read. */
      quantities: Record<string, { lower: string; upper: string }>;
      /** The verdict re-decided on those enclosures ('violated' ⇔ confirmed). */
      verdict: Verdict | 'error';
      lhs?: string;
      rhs?: string;
      margin?: string;
      errorBound?: string;
      /** Why the verdict is not `violated` (or the quantity the oracle could not confirm). */
      reason?: string;
      /** LDLᵀ inertia counts spent. */
      inertiaCounts: number;
      ms: number;
    }
  | { status: 'skipped'; reason: string };

export interface ConfirmOptions {
  /** Largest N that is confirmed (default MAX_CONFIRM_N = 64). */
  maxN?: number;
  /** Start the bisections from the engine's enclosures (default true; false: from Gershgorin). */
  startFromEngine?: boolean;
  /** Give up (not confirmed) after this long, checked between bisection rounds (default 60 s). */
  timeLimitMs?: number;
}

const encStr = (e: Enclosure) => ({ lower: encodeNumber(e.lower), upper: encodeNumber(e.upper) });

/** Re-decides `lhs RELATION rhs` on `inst` with every quantity recomputed by the high-precision oracle. */
export function confirmViolation(spec: Pick<InequalitySpec, 'lhs' | 'rhs' | 'relation'>, inst: AuditInstance, opts: ConfirmOptions = {}): Confirmation {
  const maxN = opts.maxN ?? MAX_CONFIRM_N;
  if (inst.x.rows > maxN) return { status: 'skipped', reason: `N > ${maxN}` };
  const t0 = performance.now();
  const startFromEngine = opts.startFromEngine ?? true;
  const oracle = new Oracle(inst, (key) => {
    if (!startFromEngine) return undefined;
    try {
      return enclosureOf(inst, key);
    } catch {
      return undefined;
    }
  });
  const quantities: Record<string, { lower: string; upper: string }> = {};
  const counts = () => [...keys].filter((k) => !k.startsWith('mu(')).reduce((s, k) => s + oracle.quantity(k).counts(), 0);
  const done = (verdict: Verdict | 'error', extra: { lhs?: number; rhs?: number; margin?: number; errorBound?: number; reason?: string }): Confirmation => ({
    status: verdict === 'violated' ? 'confirmed' : 'not-confirmed',
    method: METHOD,
    digits: DIGITS,
    quantities,
    verdict,
    ...(extra.lhs !== undefined
      ? { lhs: encodeNumber(extra.lhs), rhs: encodeNumber(extra.rhs!), margin: encodeNumber(extra.margin!), errorBound: encodeNumber(extra.errorBound!) }
      : {}),
    ...(extra.reason ? { reason: extra.reason } : {}),
    inertiaCounts: safeCounts(),
    ms: Math.round(performance.now() - t0),
  });
  const keys = new Set<string>();
  const safeCounts = () => {
    try {
      return counts();
    } catch {
      return 0;
    }
  };
  try {
    // The keys the sides read (their float evaluation; cheap: the engine caches per instance), through the
    // getters or q.interval alike. A read the oracle cannot recompute (q.matrix, and the q.certified helpers
    // applied to it) leaves part of the violation unverified: it is not confirmed.
    const readsOf = (c: CornerResult) => [...c.touched, ...(c.intervalReads ?? [])];
    const opaque = (cs: CornerResult[]) => cs.flatMap((c) => c.opaqueReads ?? []);
    const l0 = evaluateSide(spec.lhs, inst, 'lhs'),
      r0 = evaluateSide(spec.rhs, inst, 'rhs');
    for (const k of [...readsOf(l0), ...readsOf(r0)]) keys.add(k);
    const notRecomputed = (cs: CornerResult[]) => {
      const o = [...new Set(opaque(cs))];
      return o.length > 0 ? `the sides read ${o.join(', ')}, which the ${DIGITS}-digit oracle does not recompute` : undefined;
    };
    const o0 = notRecomputed([l0, r0]);
    if (o0) return done('error', { reason: o0 });
    for (let iter = 0; iter < 2000; iter++) {
      const encs: Record<string, Enclosure> = {};
      for (const k of keys) {
        const e = oracle.quantity(k).enclosure();
        quantities[k] = encStr(e);
        if (k.startsWith('mu(')) {
          const eng = muEnclosureOf(inst, Number(k.slice(3, -1)));
          if (!(eng.lower <= e.lower && e.upper <= eng.upper))
            return done('error', { reason: `the constant enclosure of ${k} does not contain its ${DIGITS}-digit value` });
        } else encs[k] = e;
      }
      const iq = withEnclosures(inst, encs);
      const l = evaluateSide(spec.lhs, iq, 'lhs');
      const r = evaluateSide(spec.rhs, iq, 'rhs');
      const o1 = notRecomputed([l, r]);
      if (o1) return done('error', { reason: o1 });
      const more = [...readsOf(l), ...readsOf(r)].filter((k) => !keys.has(k));
      if (more.length > 0) {
        for (const k of more) keys.add(k);
        continue;
      }
      const o = decide({ lhs: l.value, rhs: r.value, relation: spec.relation, lhsError: l.error, rhsError: r.error, quantities: {} });
      const nums = { lhs: o.lhs, rhs: o.rhs, margin: o.margin, errorBound: o.errorBound };
      if (o.verdict === 'violated') return done('violated', nums);
      if (o.verdict === 'holds') return done('holds', { ...nums, reason: `the bound holds on this instance with the ${DIGITS}-digit quantities` });
      if (performance.now() - t0 > (opts.timeLimitMs ?? 60_000))
        return done(o.verdict, { ...nums, reason: `${o.verdict} with the ${DIGITS}-digit quantities when the time limit was reached` });
      let refined = false;
      for (const k of keys) if (!k.startsWith('mu(')) refined = oracle.quantity(k).refine() || refined;
      if (!refined) return done(o.verdict, { ...nums, reason: `${o.verdict} with the ${DIGITS}-digit quantities at double resolution` });
    }
    return done('inconclusive', { reason: 'bisection limit reached' });
  } catch (e) {
    // N ≤ maxN: every counterexample of that size is re-verified before it is reported, so one whose quantities
    // are beyond the oracle's cost limits is not confirmed (and not reported); `skipped` is only for N > maxN.
    if (e instanceof TooLarge) return done('error', { reason: `beyond the ${DIGITS}-digit oracle's cost limits: ${e.message.split('\n')[0]}` });
    // No decimal oracle for a quantity of this instance (e.g. the tanh and sigmoid kernels): not confirmed either.
    if (e instanceof NoOracle) return done('error', { reason: e.message.split('\n')[0] });
    if (e instanceof NotConfirmable || e instanceof RangeError || e instanceof TheoremEvaluationError)
      return done('error', { reason: e.message.split('\n')[0] });
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return done('error', { reason: msg });
  }
}

// ------------------------------------------------------------------------------------------------
// The counterexamples of an audit run

export interface ConfirmedRef {
  ref: CounterexampleRef;
  confirmation: Confirmation;
}

export interface RunConfirmation {
  /** The run with violations that failed confirmation turned into `inconclusive` (counts and records). */
  run: TheoremRun;
  smallest?: ConfirmedRef;
  worst?: ConfirmedRef;
  /** Counterexamples checked, confirmed, failed (not reported), skipped (N > 64), left unchecked. */
  summary: {
    checked: number;
    confirmed: number;
    failed: number;
    skipped: number;
    unconfirmed: number;
    ms: number;
    failures: { instance: Descriptor; reason: string }[];
    skips?: { instance: Descriptor; reason: string }[];
  };
}

const descKey = (d: Descriptor) => JSON.stringify(d);
const foundByOf = (p: InstanceRecord['phase']): Artifact['foundBy'] =>
  p === 'shrink' ? 'shrunk' : p === 'targeted' ? 'targeted' : p === 'monte-carlo' ? 'monte-carlo' : p === 'example' ? 'example' : 'random';

/**
 * Confirms the counterexamples a run would report (smallest and worst). One that fails confirmation is
 * not reported: its instance counts as `inconclusive`, and the next violation in the same order (fewest
 * samples first, resp. most negative relative margin first) is tried, up to `maxChecks` checks in all.
 * When no violation can be confirmed, every violation of the run counts as `inconclusive` (nothing is
 * reported as certified) and the bound is not refuted.
 */
export function confirmRun(theorem: AuditTheorem, run: TheoremRun, opts: ConfirmOptions & { maxChecks?: number; timeBudgetMs?: number } = {}): RunConfirmation {
  const t0 = Date.now();
  const spec = theorem[AUDIT_BOUND];
  if (spec.asymptotic !== undefined) throw new TypeError(`${theorem.id}: an asymptotic bound has no per-instance counterexamples to confirm`);
  const maxChecks = opts.maxChecks ?? 8;
  const budget = opts.timeBudgetMs ?? 120_000;
  const results = new Map<string, ConfirmedRef | null>(); // null: could not be rebuilt
  const failures: { instance: Descriptor; reason: string }[] = [];
  const skips: { instance: Descriptor; reason: string }[] = [];
  let checked = 0,
    confirmed = 0,
    skipped = 0;
  const runSeed = run.counterexamples.smallest?.artifact.runSeed ?? run.counterexamples.worst?.artifact.runSeed ?? '';

  const check = (ref: CounterexampleRef): ConfirmedRef => {
    const key = descKey(ref.descriptor);
    const prev = results.get(key);
    if (prev) return prev;
    const inst = decodeAuditInstance(ref.artifact.instance);
    const c = confirmViolation(spec, inst, opts);
    checked++;
    if (c.status === 'confirmed') confirmed++;
    else if (c.status === 'skipped') {
      skipped++;
      skips.push({ instance: ref.descriptor, reason: c.reason });
    } else failures.push({ instance: ref.descriptor, reason: c.reason ?? c.verdict });
    const out = { ref, confirmation: c };
    results.set(key, out);
    return out;
  };
  const refOfRecord = (r: InstanceRecord): CounterexampleRef | null => {
    try {
      const inst = theorem.materialize(r.descriptor as never);
      const { outcome } = evaluateInstance(theorem, r.descriptor as never, inst);
      if (outcome.verdict !== 'violated') return null;
      const artifact = buildArtifact(theorem, r.descriptor, inst, outcome, { runSeed, foundBy: foundByOf(r.phase) });
      return {
        descriptor: r.descriptor,
        relativeMargin: outcome.relativeMargin,
        margin: outcome.margin,
        errorBound: outcome.errorBound,
        foundBy: artifact.foundBy,
        artifact,
      };
    } catch {
      return null;
    }
  };
  const violatedRecords = run.records.filter((r) => r.verdict === 'violated');
  const nOf = (d: Descriptor) => (typeof d.n === 'number' ? d.n : Infinity);
  const pick = (first: CounterexampleRef | undefined, order: (a: InstanceRecord, b: InstanceRecord) => number): ConfirmedRef | undefined => {
    const cands: (CounterexampleRef | InstanceRecord)[] = [...(first ? [first] : []), ...violatedRecords.slice().sort(order)];
    for (const c of cands) {
      const key = descKey(c.descriptor);
      if (results.has(key)) {
        const r = results.get(key);
        if (r && r.confirmation.status !== 'not-confirmed') return r;
        continue;
      }
      if (checked >= maxChecks || Date.now() - t0 > budget) return undefined;
      const ref = 'artifact' in c ? c : refOfRecord(c);
      if (!ref) {
        results.set(key, null);
        continue;
      }
      const r = check(ref);
      if (r.confirmation.status !== 'not-confirmed') return r;
    }
    return undefined;
  };
  const s0 = pick(run.counterexamples.smallest, (a, b) => nOf(a.descriptor) - nOf(b.descriptor) || a.relativeMargin - b.relativeMargin);
  const w0 = pick(run.counterexamples.worst, (a, b) => a.relativeMargin - b.relativeMargin);
  const smallest = s0 ?? w0,
    worst = w0 ?? s0;

  // Counts and records: failed confirmations become inconclusive; with nothing confirmed, every violation does.
  const failedKeys = new Set(failures.map((f) => descKey(f.instance)));
  const none = !smallest && !worst;
  const records = run.records.map((r) =>
    r.verdict === 'violated' && (none || failedKeys.has(descKey(r.descriptor))) ? { ...r, verdict: 'inconclusive' as const } : r,
  );
  const moved = none ? run.counts.violated : failedKeys.size;
  const counts = { ...run.counts, violated: run.counts.violated - moved, inconclusive: run.counts.inconclusive + moved };
  const count = none ? 0 : run.counterexamples.count - failedKeys.size;
  const newRun: TheoremRun = {
    ...run,
    counts,
    records,
    // an unconfirmed violation is not evidence that the claim holds
    status: counts.violated > 0 ? run.status : run.status === 'violated' ? 'inconclusive' : run.status,
    counterexamples: { count, ...(smallest ? { smallest: smallest.ref } : {}), ...(worst ? { worst: worst.ref } : {}) },
  };
  return {
    run: newRun,
    ...(smallest ? { smallest } : {}),
    ...(worst ? { worst } : {}),
    summary: {
      checked,
      confirmed,
      failed: failures.length,
      skipped,
      unconfirmed: none ? moved - failedKeys.size : 0,
      ms: Date.now() - t0,
      failures,
      ...(skips.length ? { skips } : {}),
    },
  };
}

// ------------------------------------------------------------------------------------------------
// The failed draws behind a rejected rate test (high-probability bounds)

export interface HighProbabilityConfirmation {
  /** The run with each rejected configuration re-decided on its confirmed failed draws only. */
  run: TheoremRun;
  /** The evidence reported for the refutation: the worst confirmed failed draw, with its confirmation. */
  evidence?: ConfirmedRef;
  summary: { checked: number; confirmed: number; failed: number; skipped: number; ms: number; failures: { instance: Descriptor; reason: string }[] };
}

/**
 * A rejected rate test rests on its failed draws: before it refutes a bound, failed draws (worst first) are
 * re-verified like counterexamples (confirmViolation) until the confirmed ones alone make the exact binomial
 * test reject (a draw with N > maxN counts as it is, `skipped`). A failed draw that is not confirmed counts as
 * an inconclusive draw (a success for the refutation); a configuration that no longer rejects becomes
 * `consistent` or `inconclusive` by the same rule as in the search (`verdictOf`).
 */
export function confirmHighProbability(
  theorem: AuditTheorem,
  run: TheoremRun,
  verdictOf: (
    failures: number,
    inconclusive: number,
    draws: number,
    delta: number,
    alpha: number,
  ) => { status: 'rejected' | 'consistent' | 'inconclusive'; lowerBound: number; upperBound: number },
  opts: ConfirmOptions & { timeBudgetMs?: number } = {},
): HighProbabilityConfirmation {
  const t0 = Date.now();
  const spec = theorem[AUDIT_BOUND];
  const hp = run.highProbability;
  const summary: HighProbabilityConfirmation['summary'] = { checked: 0, confirmed: 0, failed: 0, skipped: 0, ms: 0, failures: [] };
  if (!hp || spec.asymptotic !== undefined || !theorem.configKey) return { run, summary };
  const budget = opts.timeBudgetMs ?? 120_000;
  const runSeed = run.counterexamples.smallest?.artifact.runSeed ?? '';
  const unconfirmed = new Set<string>();
  const firstConfirmed = new Map<string, ConfirmedRef>();
  const configs = hp.configs.map((c) => {
    if (c.status !== 'rejected') return c;
    const fails = run.records
      .filter((r) => r.verdict === 'violated' && r.phase === 'monte-carlo' && theorem.configKey!(r.descriptor as never) === c.configKey)
      .sort((a, b) => a.relativeMargin - b.relativeMargin);
    let ok = 0;
    for (const r of fails) {
      if (verdictOf(ok, c.inconclusive + (c.failures - ok), c.draws, c.delta, hp.alpha).status === 'rejected') break;
      if (Date.now() - t0 > budget) break;
      let conf: Confirmation;
      let ref: CounterexampleRef | undefined;
      try {
        const inst = theorem.materialize(r.descriptor as never);
        const { outcome } = evaluateInstance(theorem, r.descriptor as never, inst);
        if (outcome.verdict !== 'violated') throw new TheoremEvaluationError(`the draw re-evaluates to ${outcome.verdict}`);
        const artifact = buildArtifact(theorem, r.descriptor, inst, outcome, { runSeed, foundBy: 'monte-carlo' });
        ref = {
          descriptor: r.descriptor,
          relativeMargin: outcome.relativeMargin,
          margin: outcome.margin,
          errorBound: outcome.errorBound,
          foundBy: 'monte-carlo',
          artifact,
        };
        conf = confirmViolation(spec, inst, opts);
      } catch (e) {
        conf = {
          status: 'not-confirmed',
          method: METHOD,
          digits: DIGITS,
          quantities: {},
          verdict: 'error',
          reason: (e instanceof Error ? e.message : String(e)).split('\n')[0],
          inertiaCounts: 0,
          ms: 0,
        };
      }
      summary.checked++;
      if (conf.status === 'not-confirmed') {
        summary.failed++;
        summary.failures.push({ instance: r.descriptor, reason: conf.reason ?? conf.verdict });
        unconfirmed.add(descKey(r.descriptor));
        continue;
      }
      if (conf.status === 'skipped') summary.skipped++;
      else summary.confirmed++;
      ok++;
      // fails are sorted worst first: the first confirmed one is the configuration's evidence
      if (!firstConfirmed.has(c.configKey) && ref) firstConfirmed.set(c.configKey, { ref, confirmation: conf });
    }
    // Failed draws not confirmed (or not reached) count as undecided; only the confirmed ones refute.
    const v = verdictOf(ok, c.inconclusive + (c.failures - ok), c.draws, c.delta, hp.alpha);
    if (v.status === 'rejected') return c;
    return { ...c, failureRateLower: v.lowerBound, failureRateUpper: v.upperBound, rejected: false, status: v.status };
  });
  summary.ms = Date.now() - t0;
  const rejected = configs.some((c) => c.status === 'rejected');
  // The evidence of the refutation: the worst confirmed failed draw of a configuration that still rejects.
  let evidence: ConfirmedRef | undefined;
  for (const c of configs) {
    const e = c.status === 'rejected' ? firstConfirmed.get(c.configKey) : undefined;
    if (e && (!evidence || e.ref.relativeMargin < evidence.ref.relativeMargin)) evidence = e;
  }
  const records = run.records.map((r) => (r.verdict === 'violated' && unconfirmed.has(descKey(r.descriptor)) ? { ...r, verdict: 'inconclusive' as const } : r));
  const moved = run.counts.violated - records.filter((r) => r.verdict === 'violated').length;
  const counts = { ...run.counts, violated: run.counts.violated - moved, inconclusive: run.counts.inconclusive + moved };
  const out: TheoremRun = {
    ...run,
    counts,
    records,
    highProbability: { ...hp, configs },
    // a rejection resting on unconfirmed failed draws is not evidence that the claim holds
    status: rejected ? run.status : run.status === 'violated' ? 'inconclusive' : run.status,
    counterexamples: rejected && evidence ? { count: 1, smallest: evidence.ref, worst: evidence.ref } : { count: 0 },
  };
  return { run: out, ...(rejected && evidence ? { evidence } : {}), summary };
}
