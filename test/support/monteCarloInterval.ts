/**
 * Per-entry Monte Carlo confidence intervals of a kernel (test support): the sample mean of R independent draws and
 * the half-width t·s/√R, s the sample standard deviation and t the caller's Student t quantile (R − 1 degrees of
 * freedom).
 */
export function kernelInterval(R: number, tQuantile: number, draw: (r: number) => ArrayLike<number>): { mean: number[]; half: number[] } {
  let s1: number[] = [],
    s2: number[] = [];
  for (let r = 0; r < R; r++) {
    const k = draw(r);
    if (r === 0) {
      s1 = new Array<number>(k.length).fill(0);
      s2 = new Array<number>(k.length).fill(0);
    }
    for (let t = 0; t < k.length; t++) {
      s1[t] += k[t];
      s2[t] += k[t] * k[t];
    }
  }
  const mean = s1.map((v) => v / R);
  const half = s2.map((v, t) => tQuantile * Math.sqrt(Math.max(0, (v - R * mean[t] ** 2) / (R - 1)) / R));
  return { mean, half };
}
