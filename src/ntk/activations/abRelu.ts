/**
 * The (a,b)-ReLU family as activation records: ReLU (1, 0), leaky ReLU (1, α), abs (1, −1), identity (1, 1).
 * The closed forms and their derivation are in ../activation.ts (Cho & Saul 2009, arc-cosine kernel of degree 1);
 * the record wraps them, and the limiting fold keeps its cancellation-free angle propagation for this family
 * (limiting.ts), so ReLU results are unchanged bit for bit.
 *
 * Derivative convention: φ'(t) = a (t > 0), b (t < 0), φ'(0) = 0 (Nguyen–Mondelli–Montúfar 2021, arXiv 2012.11654,
 * σ'(0) = 0; docs/conventions.md#network).
 */
import { interval } from '../../linalg/interval.ts';
import { UNIT_ROUNDOFF } from '../../linalg/matrix.ts';
import { type Activation, abRelu as abReluActivation, apply, derivative, dualKernel, secondMoment } from '../activation.ts';
import { reluHermiteCoefficient } from '../hermite.ts';
import { PI_I, clippedCovariance } from './exact.ts';
import { abReluHermiteEnclosure } from './hermiteCoefficients.ts';
import type { ActivationRecord, DualEnclosure } from './record.ts';

export type AbReluRecord = Activation & ActivationRecord & { readonly kind: 'ab-relu' };

/**
 * Enclosure of the closed forms of ../activation.ts at (q1, q2, c): θ ∈ acos(c/√(q1q2)) by interval arithmetic;
 * J̇ is affine in θ (evaluated at both ends of the θ-interval); J has |dJ/dθ| = |sin θ·J̇(θ)| ≤ κ' := (a² + b²)/2,
 * so J(θ) ∈ J(θ̂) ± (κ'·|θ − θ̂| + 30u·κ') (the 30u·κ' is the rounding bound of dualKernel).
 */
function dualEnclosure(act: Activation, q1: number, q2: number, c: number): DualEnclosure {
  if (!(q1 > 0) || !(q2 > 0)) return { phiPhi: interval(0), dphiDphi: interval(0) };
  const kap = secondMoment(act);
  const s = interval(q1).sqrt().mul(interval(q2).sqrt());
  const th = clippedCovariance(q1, q2, c).div(s).acos(); // acos intersects with [−1, 1]
  const t0 = th.mid;
  const rTh = th.radius;
  const u = UNIT_ROUNDOFF;
  const j = dualKernel(act, t0);
  const errJ = (kap * rTh + 30 * u * kap) * (1 + 4 * u) + Number.MIN_VALUE;
  const phiPhi = s.mul(interval(j - errJ, j + errJ));
  // J̇(θ) = [(a²+b²)(π − θ) + 2abθ]/(2π), enclosed in interval arithmetic on the θ-interval
  const { a, b } = act;
  const p = interval(a).mul(a).add(interval(b).mul(b));
  const m2 = interval(a).mul(b).mul(2);
  const jd = p.mul(PI_I.sub(th)).add(m2.mul(th)).div(PI_I.mul(2));
  return { phiPhi, dphiDphi: jd };
}

export function abReluRecord(a: number, b: number, name: string): AbReluRecord {
  const act = abReluActivation(a, b, name);
  const kap = secondMoment(act);
  return {
    ...act,
    kind: 'ab-relu',
    fn: (t: number) => apply(act, t),
    deriv: (t: number) => derivative(act, t),
    derivativeConvention: "σ'(0) = 0",
    dual: (q1: number, q2: number, c: number) => dualEnclosure(act, q1, q2, c),
    secondMoment: kap,
    // φ = b·t + (a − b)·relu(t): μ_k(φ) = b·[k = 1] + (a − b)·μ_k(relu) (eq. (8) of arXiv 2012.11654, hermite.ts)
    hermite: (k: number) => (k === 1 ? b : 0) + (a - b) * reluHermiteCoefficient(k),
    hermiteEnclosure: (r: number) => abReluHermiteEnclosure(a, b, r),
    hermiteMethod: 'closed form b·[r = 1] + (a − b)·μ_r(ReLU) (eq. (8) of arXiv 2012.11654), relative rounding ≤ (2.5r + 4)u',
    kinks: a === b ? [] : [0],
    certifiedFiniteNetwork: a === 1 && Number.isFinite(b),
  };
}

export const reluRecord = (): AbReluRecord => abReluRecord(1, 0, 'relu');
export const leakyReluRecord = (alpha: number): AbReluRecord => abReluRecord(1, alpha, `leaky-relu:${alpha}`);
export const absRecord = (): AbReluRecord => abReluRecord(1, -1, 'abs');
export const identityRecord = (): AbReluRecord => abReluRecord(1, 1, 'identity');
