import { UserError } from '../errors.ts';
import { eigh } from '../linalg/eigh.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { childRng, fillGaussian } from '../random/rng.ts';

/**
 * Label models: how the labels y ∈ ℝ^N of an instance are drawn (docs/conventions.md#labels). Every model is a
 * deterministic function of the data X, the instance seed and (for the worst case) a kernel of the instance:
 *
 *   'rademacher'        y_i i.i.d. uniform on {−1, +1}
 *   'gaussian'          y_i i.i.d. N(0, 1)
 *   'teacher'           y_i = f(x_i), f(x) = √(2/m)·Σ_{r=1}^{m} a_r·max(0, w_rᵀx) a random two-layer ReLU network
 *                       (m = 16, w_r ~ N(0, I_d/d), a_r uniform on {−1, +1}), drawn once per instance seed
 *   'linear-teacher'    y_i = αᵀx_i, α uniform on the unit sphere of ℝ^d (‖α‖ = 1 to rounding), once per seed: the
 *                       labels of Arora et al.'s linear example (arXiv 1901.08584, Sec. 6), for which
 *                       yᵀ(H∞)⁻¹y ≤ 4‖α‖² on unit-norm data (αᵀx = E_w[2αᵀx·1{wᵀx ≥ 0}] is in the RKHS of H∞)
 *   'worst-<kernel>'    y = the unit eigenvector of the smallest eigenvalue of the computed kernel (ntk, nngp,
 *                       hInfinity, gram): the labels that maximise yᵀK⁻¹y/‖y‖² = 1/λ_min(K)
 *
 * Label noise p ∈ [0, 1] (any model): each y_i independently has its sign flipped with probability p.
 * Seeds: childRng(seed, 'labels', model) for the model, childRng(seed, 'labels', 'noise') for the flips.
 */
export const LABEL_MODELS = ['rademacher', 'gaussian', 'teacher', 'linear-teacher', 'worst-ntk', 'worst-nngp', 'worst-hInfinity', 'worst-gram'] as const;
export type LabelModel = (typeof LABEL_MODELS)[number];

/** Width m of the teacher network. */
export const TEACHER_WIDTH = 16;

export interface LabelSpec {
  model: LabelModel;
  /** Probability of a sign flip per label (0 = clean). */
  noise: number;
}

export function checkLabelSpec(model: unknown, noise: unknown, where: string): LabelSpec {
  if (!(LABEL_MODELS as readonly unknown[]).includes(model))
    throw new UserError(`${where}: unknown label model ${JSON.stringify(model)} (known: ${LABEL_MODELS.join(', ')})`);
  if (typeof noise !== 'number' || !(noise >= 0 && noise <= 1))
    throw new UserError(`${where}: label noise must be a number in [0, 1], got ${JSON.stringify(noise)}`);
  return { model: model as LabelModel, noise };
}

/** The worst-case kernel name of a 'worst-…' model, else null. */
export function worstKernelOf(model: LabelModel): 'ntk' | 'nngp' | 'hInfinity' | 'gram' | null {
  return model.startsWith('worst-') ? (model.slice(6) as 'ntk' | 'nngp' | 'hInfinity' | 'gram') : null;
}

/**
 * The labels of an instance. `kernel` supplies the computed kernel for the 'worst-…' models (called only then;
 * null when the kernel is not finite: the labels are then NaN).
 * Returns a fresh array.
 */
export function drawLabels(x: Matrix, seed: string, spec: LabelSpec, kernel: () => Matrix | null): Float64Array {
  const n = x.rows,
    d = x.cols;
  let y = new Float64Array(n);
  switch (spec.model) {
    case 'rademacher': {
      const rng = childRng(seed, 'labels', spec.model);
      for (let i = 0; i < n; i++) y[i] = rng.next() < 0.5 ? -1 : 1;
      break;
    }
    case 'gaussian':
      fillGaussian(childRng(seed, 'labels', spec.model), y);
      break;
    case 'teacher': {
      const rng = childRng(seed, 'labels', spec.model);
      const m = TEACHER_WIDTH;
      const w = fillGaussian(rng, new Float64Array(m * d), 1 / Math.sqrt(d));
      const a = Float64Array.from({ length: m }, () => (rng.next() < 0.5 ? -1 : 1));
      const c = Math.sqrt(2 / m);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let r = 0; r < m; r++) {
          let z = 0;
          for (let k = 0; k < d; k++) z += w[r * d + k] * x.data[i * d + k];
          if (z > 0) s += a[r] * z;
        }
        y[i] = c * s;
      }
      break;
    }
    case 'linear-teacher': {
      const rng = childRng(seed, 'labels', spec.model);
      const a = fillGaussian(rng, new Float64Array(d));
      let nn = 0;
      for (let k = 0; k < d; k++) nn += a[k] * a[k];
      const r = 1 / Math.sqrt(nn);
      for (let k = 0; k < d; k++) a[k] *= r;
      for (let i = 0; i < n; i++) {
        let z = 0;
        for (let k = 0; k < d; k++) z += a[k] * x.data[i * d + k];
        y[i] = z;
      }
      break;
    }
    default: {
      const k = kernel();
      if (!k) return y.fill(NaN);
      const e = eigh(k);
      y = Float64Array.from({ length: n }, (_, i) => e.vectors.data[i * n]);
    }
  }
  if (spec.noise > 0) {
    const rng = childRng(seed, 'labels', 'noise');
    for (let i = 0; i < n; i++) if (rng.next() < spec.noise) y[i] = -y[i];
  }
  return y;
}
