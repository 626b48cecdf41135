/**
 * Exact binomial upper tail P(X ≥ k), X ~ Binomial(n, p), summed term by term in log space — an oracle
 * for the engine's rate tests that does not use the Beta quantiles they are built on.
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  let s = 0;
  let logC = 0; // log C(n, 0)
  for (let j = 0; j <= n; j++) {
    if (j > 0) logC += Math.log((n - j + 1) / j);
    if (j >= k) s += Math.exp(logC + j * Math.log(p) + (n - j) * Math.log1p(-p));
  }
  return s;
}
