import type { Decimal as Dec } from 'decimal.js';

/**
 * yᵀA⁻¹y by Gaussian elimination with partial pivoting in the decimal precision of the inputs (an independent
 * oracle for the engine's certified quadratic forms); null when A is exactly singular.
 */
export function quadInvDec(a: Dec[][], y: Dec[]): Dec | null {
  const n = a.length;
  const m = a.map((r, i) => [...r, y[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (m[i][k].abs().gt(m[p][k].abs())) p = i;
    [m[k], m[p]] = [m[p], m[k]];
    if (m[k][k].isZero()) return null;
    for (let i = k + 1; i < n; i++) {
      const f = m[i][k].div(m[k][k]);
      for (let j = k; j <= n; j++) m[i][j] = m[i][j].sub(f.mul(m[k][j]));
    }
  }
  const z = new Array<Dec>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i][n];
    for (let j = i + 1; j < n; j++) s = s.sub(m[i][j].mul(z[j]));
    z[i] = s.div(m[i][i]);
  }
  return y.reduce((s, v, i) => s.add(v.mul(z[i])), y[0].mul(0));
}
