import type { Decimal as Dec } from 'decimal.js';
import { expect } from 'vitest';
import type { Matrix } from '../../src/linalg/matrix.ts';
import type { LimitingKernels } from '../../src/ntk/limiting.ts';
import { exact } from './decimalContains.ts';

/**
 * One layer of the fold at the entry (i, j), j ≥ i: G^{(l)}_ij = w_l²·E[φ(u)φ(v)] + b_l² and
 * Ġ^{(l)}_ij = w_l²·E[φ'(u)φ'(v)] for (u, v) centred Gaussian with covariance [[G_ii, G_ij], [G_ij, G_jj]],
 * G = G^{(l−1)} (the previous layer's NNGP kernel).
 */
export type FoldLayer = (l: number, i: number, j: number, G: readonly Dec[][]) => { g: Dec; gDot: Dec };

/**
 * The limiting kernels of eq. (9) of arXiv 2012.11654 (docs/conventions.md#limiting-ntk-and-nngp) in the decimal
 * arithmetic of the entries of G1: K^{(1)} = G^{(1)} = G1, and for l = 2..depth
 * G^{(l)} and Ġ^{(l)} from `layer`, K^{(l)} = K^{(l−1)} ∘ Ġ^{(l)} + G^{(l)}. Both kernels are symmetric by
 * construction (`layer` is called for j ≥ i only). `onLayer` sees every layer's pair (l ≥ 2).
 */
export function foldDecimal(G1: Dec[][], depth: number, layer: FoldLayer, onLayer?: (l: number, G: Dec[][], K: Dec[][]) => void): { G: Dec[][]; K: Dec[][] } {
  const n = G1.length;
  let G = G1,
    K = G1.map((r) => r.slice());
  for (let l = 2; l <= depth; l++) {
    const Gn: Dec[][] = Array.from({ length: n }, () => new Array<Dec>(n)),
      Kn: Dec[][] = Array.from({ length: n }, () => new Array<Dec>(n));
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        const { g, gDot } = layer(l, i, j, G);
        Gn[i][j] = Gn[j][i] = g;
        Kn[i][j] = Kn[j][i] = K[i][j].mul(gDot).add(g);
      }
    G = Gn;
    K = Kn;
    onLayer?.(l, G, K);
  }
  return { G, K };
}

/**
 * The 'ntk' parameterisation with bias (docs/conventions.md#other-parameterisations) of a dual-kernel oracle
 * `dual(q_i, q_j, c) = {E[φ(u)φ(v)], E[φ'(u)φ'(v)]}`, at 50 digits on the exact stored doubles:
 * G^{(1)} = W²XXᵀ/d + b², then G^{(l)} = W²·E[φφ] + b², Ġ^{(l)} = W²·E[φ'φ'].
 */
export function ntkFoldDecimal(
  x: Matrix,
  arch: { depth: number; wStd: number; bStd: number },
  dual: (qi: Dec, qj: Dec, c: Dec) => { pp: Dec; dd: Dec },
): { G: Dec[][]; K: Dec[][] } {
  const { rows: n, cols: d } = x;
  const W2 = exact(arch.wStd).pow(2),
    B2 = exact(arch.bStd).pow(2);
  const X = Array.from(x.data, exact);
  const G1 = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = X[i * d].mul(X[j * d]);
      for (let k = 1; k < d; k++) s = s.add(X[i * d + k].mul(X[j * d + k]));
      return s.mul(W2).div(d).add(B2);
    }),
  );
  return foldDecimal(G1, arch.depth, (_l, i, j, G) => {
    const { pp, dd } = dual(G[i][i], G[j][j], G[i][j]);
    return { g: W2.mul(pp).add(B2), gDot: W2.mul(dd) };
  });
}

/** Asserts |K̂_ij − K_ij| ≤ eps and |Ĝ_ij − G_ij| ≤ eps at every entry of the engine's kernels (exact comparison). */
export function expectKernelsWithin(out: Pick<LimitingKernels, 'ntk' | 'nngp'>, ref: { G: Dec[][]; K: Dec[][] }, eps: number, what: string): void {
  const n = out.ntk.rows;
  const e = exact(eps);
  for (const [name, hat, R] of [
    ['K', out.ntk, ref.K],
    ['G', out.nngp, ref.G],
  ] as const)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const diff = exact(hat.data[i * n + j])
          .sub(R[i][j])
          .abs();
        expect(diff.lte(e), `${name}[${i}][${j}]${what}: |Δ| = ${diff.toSignificantDigits(6)} > ${eps}`).toBe(true);
      }
}
