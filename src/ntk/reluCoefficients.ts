import { type Interval, interval } from '../linalg/interval.ts';

/**
 * Enclosures of the Hermite coefficients μ_r(ReLU) and of their squares (eq. (8) of arXiv 2012.11654;
 * docs/theorems.md#hermite-coefficients-of-relu): μ_0 = 1/√(2π), μ_1 = ½, μ_r = 0 for odd r ≥ 3 and, for even r,
 * μ_2 = 1/(2√π), μ_{r+2} = −(r − 1)/√((r + 1)(r + 2))·μ_r — the recurrence of reluHermiteCoefficient (hermite.ts)
 * evaluated in interval arithmetic (src/linalg/interval.ts), so each enclosure holds the exact coefficient.
 * Memoised: the tables grow to the largest R asked for and are shared (read-only).
 */
const mus: Interval[] = [];
const squares: Interval[] = [];

function grow(R: number): void {
  if (!Number.isInteger(R) || R < 0) throw new RangeError(`reluHermiteEnclosures: R must be an integer ≥ 0, got ${R}`);
  for (let r = mus.length; r <= R; r++) {
    let mu: Interval;
    if (r === 0) mu = interval(1).div(interval.PI.mul(2).sqrt());
    else if (r === 1) mu = interval(0.5);
    else if (r % 2 === 1) mu = interval(0);
    else if (r === 2) mu = interval(1).div(interval.PI.sqrt().mul(2));
    else mu = mus[r - 2].mul(-(r - 3)).div(interval((r - 1) * r).sqrt());
    mus.push(mu);
    squares.push(mu.abs().pow(2));
  }
}

/** μ_0(ReLU), …, μ_R(ReLU), enclosed (at least R + 1 entries). */
export function reluHermiteEnclosures(R: number): readonly Interval[] {
  grow(R);
  return mus;
}

/** μ_0(ReLU)², …, μ_R(ReLU)², enclosed (at least R + 1 entries). */
export function reluHermiteSquareEnclosures(R: number): readonly Interval[] {
  grow(R);
  return squares;
}
