import type { Matrix } from '../../linalg/matrix.ts';
import { type Rng, uniformInt } from '../rng.ts';

/**
 * Heavy-tailed norms: every row is multiplied by 2^e_i, e_i uniform on the integers of [−span, span]
 * (multiplication by a power of two is exact while no result under- or overflows: directions are kept
 * bit for bit, norms spread over 2^(2·span)). Returns the exponents.
 */
export function heavyTailedNorms(rng: Rng, x: Matrix, span: number): Int32Array {
  const n = x.rows,
    d = x.cols,
    a = x.data;
  const e = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    e[i] = uniformInt(rng, 2 * span + 1) - span;
    const f = 2 ** e[i];
    for (let k = 0; k < d; k++) a[i * d + k] *= f;
  }
  return e;
}
