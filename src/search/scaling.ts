import type { Outcome, ScalingLaw, ScalingRelation } from '../theorem/types.ts';
import { logLogFit } from './stats.ts';

/**
 * Scaling verdicts for asymptotic claims (docs/architecture.md#scaling-verdicts): y = REL(x^e) is judged
 * by the log-log slope of a designed sweep, never by one fitted constant.
 *
 * Statistics: per regime, ordinary least squares of log y on log x over (sizes × draws) independent
 * draws, with the two-sided Student-t interval of the slope at level `alpha` (n − 2 degrees of freedom).
 * The interval is exact for a straight line with i.i.d. normal residuals; real sweeps are pre-asymptotic
 * (λ_min(K(L))/d still drifts at d = 10^3), which is what the tolerance band absorbs: a claim holds only
 * when the whole interval lies in [e − tol, e + tol], so a drift of the local slope shows up as
 * `inconclusive`, never as a refutation of a true exponent unless it exceeds the tolerance.
 */

export type ScalingStatus = 'holds' | 'violated' | 'inconclusive';

export const DEFAULT_SCALING_TOLERANCE = 0.1;

/**
 * The verdict of one slope interval [low, high] on the band of the claimed exponent e ± tol:
 *   Theta: violated when the interval misses the band, holds when it lies inside it;
 *   O:     violated when low > e + tol, holds when high ≤ e + tol;
 *   Omega: violated when high < e − tol, holds when low ≥ e − tol;
 * otherwise inconclusive. A NaN end (no fit) is inconclusive.
 */
export function scalingBandVerdict(relation: ScalingRelation, exponent: number, tolerance: number, low: number, high: number): ScalingStatus {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) return 'inconclusive';
  const bandLow = exponent - tolerance,
    bandHigh = exponent + tolerance;
  if (relation === 'Theta') {
    if (high < bandLow || low > bandHigh) return 'violated';
    return low >= bandLow && high <= bandHigh ? 'holds' : 'inconclusive';
  }
  if (relation === 'O') return low > bandHigh ? 'violated' : high <= bandHigh ? 'holds' : 'inconclusive';
  return high < bandLow ? 'violated' : low >= bandLow ? 'holds' : 'inconclusive';
}

/** A claim's status from its regimes: violated when one is, holds when all do, else inconclusive. */
export function combineRegimes(statuses: readonly ScalingStatus[]): ScalingStatus {
  if (statuses.includes('violated')) return 'violated';
  return statuses.length > 0 && statuses.every((s) => s === 'holds') ? 'holds' : 'inconclusive';
}

/** Rejects a malformed law with a message naming the claim (a catalog or proposal bug, not bad data). */
// biome-ignore lint/suspicious/noExplicitAny: checks the law of a theorem of any descriptor type
export function validateScalingLaw(id: string, law: ScalingLaw<any>): void {
  const sizes = [...new Set(law.sizes)];
  if (sizes.length < 3 || sizes.some((x) => !(Number.isFinite(x) && x > 0)))
    throw new RangeError(`${id}: a scaling sweep needs at least 3 distinct positive sizes, got [${law.sizes.join(', ')}]`);
  if (Math.max(...sizes) / Math.min(...sizes) < 10) throw new RangeError(`${id}: a scaling sweep must span at least one decade, got [${law.sizes.join(', ')}]`);
  if (law.regimes.length === 0) throw new RangeError(`${id}: a scaling law needs at least one regime`);
  if (!Number.isFinite(law.exponent)) throw new RangeError(`${id}: the claimed exponent must be finite`);
  const tol = law.tolerance ?? DEFAULT_SCALING_TOLERANCE;
  if (!(tol > 0 && tol < 10)) throw new RangeError(`${id}: the exponent tolerance must be in (0, 10), got ${tol}`);
}

/** Draws per size and regime for `evals` evaluations (the budget's share of this claim). */
export function scalingDraws(law: Pick<ScalingLaw<never>, 'sizes' | 'regimes' | 'minDraws' | 'maxDraws'>, evals: number): number {
  const lo = law.minDraws ?? 4,
    hi = Math.max(lo, law.maxDraws ?? 24);
  const per = Math.floor(evals / (law.sizes.length * law.regimes.length));
  return Math.min(hi, Math.max(lo, per));
}

/** One point of a sweep: x the scaling variable, y the certified positive quantity. */
export interface ScalingPoint {
  x: number;
  y: number;
}

export interface ScalingRegimeResult {
  regime: string;
  /** Draws evaluated in this regime (sizes × draws). */
  draws: number;
  /** Points used in the fit: y certified positive with a relative error ≤ 1e-3. */
  points: number;
  /** Draws whose y was not certified (or broke an assumption): any makes the regime inconclusive. */
  unusable: number;
  slope: number;
  slopeLow: number;
  slopeHigh: number;
  intercept: number;
  r2: number;
  status: ScalingStatus;
}

export interface ScalingResult {
  variable: string;
  quantity: string;
  relation: ScalingRelation;
  exponent: number;
  tolerance: number;
  /** The level of each regime's interval (Bonferroni over the claims and regimes of the run). */
  alpha: number;
  sizes: number[];
  drawsPerSize: number;
  regimes: ScalingRegimeResult[];
  status: ScalingStatus;
  /**
   * FITTED, not the paper's: the geometric mean of y / x^e over every usable point (the C of y ≈ C·x^e
   * at the claimed exponent). Tracked by the baseline; never used in the verdict.
   */
  fittedConstant: number;
}

/** Fits one regime; `unusable` draws make it inconclusive (dropping them could bias the slope). */
export function fitRegime(
  regime: string,
  pts: readonly ScalingPoint[],
  unusable: number,
  law: Pick<ScalingLaw<never>, 'relation' | 'exponent' | 'tolerance'>,
  alpha: number,
): ScalingRegimeResult {
  const tol = law.tolerance ?? DEFAULT_SCALING_TOLERANCE;
  const distinct = new Set(pts.map((p) => p.x)).size;
  const base = { regime, draws: pts.length + unusable, points: pts.length, unusable };
  if (pts.length < 3 || distinct < 2) return { ...base, slope: NaN, slopeLow: NaN, slopeHigh: NaN, intercept: NaN, r2: NaN, status: 'inconclusive' };
  const fit = logLogFit(
    pts.map((p) => p.x),
    pts.map((p) => p.y),
    alpha,
  );
  const byBand = scalingBandVerdict(law.relation, law.exponent, tol, fit.slopeLow, fit.slopeHigh);
  // Unusable draws never let a regime hold; a refutation stands only when it did not rest on dropping them either.
  const status: ScalingStatus = unusable > 0 ? 'inconclusive' : byBand;
  return { ...base, slope: fit.slope, slopeLow: fit.slopeLow, slopeHigh: fit.slopeHigh, intercept: fit.intercept, r2: fit.r2, status };
}

/** exp(mean(log y − e·log x)): the C of y ≈ C·x^e at the claimed exponent (NaN without points). */
export function fittedConstant(pts: readonly ScalingPoint[], exponent: number): number {
  if (pts.length === 0) return NaN;
  let s = 0;
  for (const p of pts) s += Math.log(p.y) - exponent * Math.log(p.x);
  return Math.exp(s / pts.length);
}

/** x of a draw: the conclusion's quantity named `variable`, else the descriptor's field (NaN when neither is a number). */
export function scalingX(descriptor: Record<string, unknown>, quantities: Record<string, number> | undefined, variable: string): number {
  const v = quantities?.[variable] ?? descriptor[variable];
  return typeof v === 'number' ? v : NaN;
}

/** Relative error of y above which a draw is not used in a fit (its log would be off by more than 1e-3). */
export const SCALING_MAX_RELATIVE_ERROR = 1e-3;

/**
 * The point of one evaluated draw, or null when it is unusable: outside the assumptions or not certified
 * (the conclusion must hold: y > 0 beyond its error bound), x not positive, or y's relative error above
 * SCALING_MAX_RELATIVE_ERROR. The one rule for the search and for replays of its evidence.
 */
export function scalingPointOf(
  o: Pick<Outcome, 'verdict' | 'lhs' | 'errorBound' | 'quantities'>,
  descriptor: Record<string, unknown>,
  variable: string,
): ScalingPoint | null {
  const x = scalingX(descriptor, o.quantities, variable);
  if (o.verdict !== 'holds' || !(x > 0) || !(o.lhs > 0) || !(o.errorBound <= SCALING_MAX_RELATIVE_ERROR * o.lhs)) return null;
  return { x, y: o.lhs };
}
