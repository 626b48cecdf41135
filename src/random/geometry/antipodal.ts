import type { Matrix } from '../../linalg/matrix.ts';

/**
 * Antipodal pair: row j becomes −x_i exactly (negation is exact in floating point). Parallel inputs in the
 * sense of Du et al. 2019 (arXiv 1810.02054, Assumption 3.1: "no two inputs parallel" excludes x_j = −x_i),
 * collinear in the sense of Karhadkar–Murray–Montúfar's δ-separation. Returns x, modified in place.
 */
export function antipodalPair(x: Matrix, i: number, j: number): Matrix {
  const d = x.cols,
    a = x.data;
  for (let k = 0; k < d; k++) a[j * d + k] = -a[i * d + k];
  return x;
}
