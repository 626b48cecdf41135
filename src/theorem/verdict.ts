import { UNIT_ROUNDOFF } from '../linalg/matrix.ts';
import type { AnyTheorem, Descriptor, Evaluation, Outcome, Relation, Theorem } from './types.ts';

/**
 * Turns an evaluation into a verdict (docs/architecture.md#verdicts):
 *   holds        margin >  errorBound
 *   violated     margin < −errorBound   (a certified counterexample)
 *   inconclusive |margin| ≤ errorBound
 * For '==' (identities) the margin is −|lhs − rhs|: holds when it is within the error bound and that
 * bound is finite, violated when it is beyond it, inconclusive when the bound is +∞. For strict relations (<, >) a margin of exactly 0 is not a pass: holds needs margin > errorBound,
 * and violated needs margin ≤ −errorBound with errorBound > 0, or margin ≤ 0 when the evaluation is exact.
 *
 * errorBound = lhsError + rhsError + the rounding of the subtraction itself (≤ u(|lhs| + |rhs|)),
 * inflated by (1 + 4u) so that the bound, computed in floating point, is not underestimated.
 */
export function marginOf(relation: Relation, lhs: number, rhs: number): number {
  if (relation === '==') return -Math.abs(lhs - rhs);
  return relation === '<=' || relation === '<' ? rhs - lhs : lhs - rhs;
}

export function decide(ev: Evaluation): Outcome {
  const { lhs, rhs, relation } = ev;
  if (!isNumber(lhs) || !isNumber(rhs) || !isNumber(ev.lhsError) || !isNumber(ev.rhsError)) {
    throw new TheoremEvaluationError(`conclusion returned a non-number or NaN (lhs=${lhs}, rhs=${rhs}, lhsError=${ev.lhsError}, rhsError=${ev.rhsError})`);
  }
  if (!(ev.lhsError >= 0) || !(ev.rhsError >= 0)) {
    throw new TheoremEvaluationError(`conclusion returned a negative error bound (lhsError=${ev.lhsError}, rhsError=${ev.rhsError})`);
  }
  if (!Number.isFinite(lhs) || !Number.isFinite(rhs)) {
    // An infinite side cannot be compared with a rounding bound; it is only conclusive when the
    // infinities make the comparison exact and the errors are finite.
    const margin = marginOf(relation, lhs, rhs);
    const exact = Number.isFinite(ev.lhsError) && Number.isFinite(ev.rhsError) && !Number.isNaN(margin);
    const verdict = exact && margin === Infinity ? 'holds' : exact && margin === -Infinity ? 'violated' : 'inconclusive';
    return {
      lhs,
      rhs,
      relation,
      quantities: ev.quantities,
      verdict,
      margin: Number.isNaN(margin) ? 0 : margin,
      errorBound: Infinity,
      relativeMargin: Math.sign(margin) || 0,
    };
  }
  const margin = marginOf(relation, lhs, rhs);
  // u|lhs| + u|rhs| rather than u(|lhs| + |rhs|): the sum of two sides near the largest double would overflow.
  const errorBound = (ev.lhsError + ev.rhsError + UNIT_ROUNDOFF * Math.abs(lhs) + UNIT_ROUNDOFF * Math.abs(rhs)) * (1 + 4 * UNIT_ROUNDOFF);
  // For identities (lhs == rhs, often a residual against 0) the error bound is part of the scale, so
  // that a residual within rounding has a relative margin near 0, not −1.
  const scale = relation === '==' ? Math.max(Math.abs(lhs), Math.abs(rhs), errorBound) : Math.max(Math.abs(lhs), Math.abs(rhs));
  const relativeMargin = scale > 0 ? margin / scale : 0;
  const strict = relation === '<' || relation === '>';
  let verdict: Outcome['verdict'];
  // A verdict needs a FINITE error bound: with an unbounded side (error +∞, e.g. an enclosure that is a
  // half-line) an identity could not have failed and no margin is certified — even one that overflowed to
  // −∞ from finite sides (docs/error-model.md, docs/adding-a-claim.md).
  if (!(errorBound < Infinity)) verdict = 'inconclusive';
  else if (relation === '==') verdict = -margin <= errorBound ? 'holds' : 'violated';
  else if (margin > errorBound) verdict = 'holds';
  else if (margin < -errorBound || (strict && margin <= -errorBound)) verdict = 'violated';
  else verdict = 'inconclusive';
  const out: Outcome = { lhs, rhs, relation, quantities: ev.quantities, verdict, margin, errorBound, relativeMargin };
  if (ev.vacuous === true) out.vacuous = true;
  return out;
}

function isNumber(v: unknown): boolean {
  return typeof v === 'number' && !Number.isNaN(v);
}

const RELATIONS: readonly string[] = ['<=', '>=', '<', '>', '=='];

/** A theorem's own code failed (threw, returned NaN or a wrong type): reported as an error of that theorem. */
export class TheoremEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TheoremEvaluationError';
  }
}

export interface EvaluatedInstance<D extends Descriptor = Descriptor, I = unknown> {
  descriptor: D;
  instance: I;
  outcome: Outcome;
}

/**
 * Materialises and evaluates one descriptor. Instances that break an assumption get `outside`
 * (never a counterexample). Exceptions of the theorem's own code are wrapped in
 * TheoremEvaluationError so that callers can report them and go on with other theorems.
 */
export function evaluate<D extends Descriptor, I>(theorem: Theorem<D, I>, descriptor: D): EvaluatedInstance<D, I> {
  let instance: I;
  try {
    instance = theorem.materialize(descriptor);
  } catch (e) {
    throw wrap(theorem, 'materialize', e);
  }
  return evaluateInstance(theorem, descriptor, instance);
}

export function evaluateInstance<D extends Descriptor, I>(theorem: Theorem<D, I>, descriptor: D, instance: I): EvaluatedInstance<D, I> {
  let broken: string | null;
  try {
    broken = theorem.assumptions(instance, descriptor);
  } catch (e) {
    throw wrap(theorem, 'assumptions', e);
  }
  if (broken !== null) {
    return {
      descriptor,
      instance,
      outcome: { verdict: 'outside', margin: NaN, errorBound: NaN, relativeMargin: NaN, lhs: NaN, rhs: NaN, relation: '<=', brokenAssumption: broken },
    };
  }
  let ev: Evaluation;
  try {
    ev = theorem.conclude(instance, descriptor);
  } catch (e) {
    throw wrap(theorem, 'conclusion', e);
  }
  if (ev === null || typeof ev !== 'object' || !RELATIONS.includes(ev.relation as string)) {
    throw new TheoremEvaluationError(`${theorem.id}: conclusion returned ${JSON.stringify(ev)}, expected {lhs, rhs, relation, lhsError, rhsError}`);
  }
  try {
    return { descriptor, instance, outcome: decide(ev) };
  } catch (e) {
    throw wrap(theorem, 'conclusion', e);
  }
}

function wrap(theorem: AnyTheorem, stage: string, e: unknown): TheoremEvaluationError {
  if (e instanceof TheoremEvaluationError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new TheoremEvaluationError(`${theorem.id}: ${stage} threw: ${msg.split('\n')[0]}`);
}
