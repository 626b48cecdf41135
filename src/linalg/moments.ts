/**
 * Centred second moments of paired samples (a_i, b_i), i = 1..n, in plain float64 (statistics of measured values
 * such as regressions and correlations, not certified bounds): the means ā, b̄ and the sums Σ(a_i − ā)²,
 * Σ(a_i − ā)(b_i − b̄), Σ(b_i − b̄)². a and b have the same length n ≥ 1.
 */
export function centredMoments(a: ArrayLike<number>, b: ArrayLike<number>): { meanA: number; meanB: number; saa: number; sab: number; sbb: number } {
  const n = a.length;
  let meanA = 0,
    meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i];
    meanB += b[i];
  }
  meanA /= n;
  meanB /= n;
  let saa = 0,
    sab = 0,
    sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - meanA,
      db = b[i] - meanB;
    saa += da * da;
    sab += da * db;
    sbb += db * db;
  }
  return { meanA, meanB, saa, sab, sbb };
}
