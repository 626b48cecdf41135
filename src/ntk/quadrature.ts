/**
 * Gaussian quadrature for E_{g∼N(0,1)}[·] and Hermite coefficients μ_r(f) = E[f(g) h_r(g)] of arbitrary
 * activations (docs/theorems.md#hermite-coefficients-of-relu).
 *
 * - gaussHermite(n): nodes/weights for the standard normal measure (weight e^{−t²/2}/√(2π), weights sum to 1);
 *   exact for polynomials of degree ≤ 2n − 1. Golub–Welsch (Golub & Welsch 1969): the nodes are the
 *   eigenvalues of the Jacobi matrix of the normalised He-recurrence (zero diagonal, off-diagonal √k),
 *   found by an implicit symmetric tridiagonal QL iteration; each node is then polished by Newton on h_n
 *   (h_n' = √n h_{n−1}) and the weight is taken from the Christoffel function w_k = 1/Σ_{r<n} h_r(t_k)²,
 *   which is relatively accurate also for the tiny tail weights (unlike the squared eigenvector component).
 * - For activations with kinks plain Gauss–Hermite converges only algebraically (ReLU: error ∼ n^{−3/2}),
 *   so hermiteCoefficientsQuadrature integrates f·h_r·φ with composite Gauss–Legendre on [−T, T], T = 40
 *   (φ(40) ≈ 1e−348 underflows; the neglected tail ∫_{|t|>40} |t|^{r+1}φ is < 1e−300 for r ≤ 60), split at the
 *   caller's breakpoints (the kinks of f) and into panels of width ≤ 1. On each panel the integrand is
 *   analytic, so Gauss–Legendre with 24 nodes is accurate to rounding.
 */
import { hermiteNormalizedAll, sqrtIntTable } from './hermite.ts';

/** Eigenvalues of the symmetric tridiagonal matrix (diag d, off-diagonal e[0..n−2]) by implicit QL with Wilkinson shifts. */
export function symmetricTridiagonalEigenvalues(diag: ArrayLike<number>, off: ArrayLike<number>): Float64Array {
  const n = diag.length;
  const d = Float64Array.from(diag);
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = off[i];
  // tqli (Numerical Recipes §11.3 / EISPACK tql1), eigenvalues only.
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) throw new Error('symmetricTridiagonalEigenvalues: no convergence');
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1,
          c = 1,
          p = 0;
        let i: number;
        let underflow = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (underflow) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d.sort();
}

/**
 * n-point Gauss–Hermite rule for the standard normal measure: Σ_k w_k f(t_k) ≈ E f(g), Σ w_k = 1,
 * nodes ascending and symmetric. Error: nodes to a few ulps after the Newton polish, weights relative ≈ n·u.
 */
export function gaussHermite(n: number): { nodes: Float64Array; weights: Float64Array } {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`gaussHermite: n must be an integer ≥ 1, got ${n}`);
  const off = new Float64Array(Math.max(0, n - 1));
  for (let k = 1; k < n; k++) off[k - 1] = Math.sqrt(k);
  const nodes = symmetricTridiagonalEigenvalues(new Float64Array(n), off);
  const weights = new Float64Array(n);
  const h = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    let t = nodes[k];
    for (let it = 0; it < 3; it++) {
      hermiteNormalizedAll(n, t, h);
      const dt = h[n] / (Math.sqrt(n) * h[n - 1]);
      if (!Number.isFinite(dt)) break;
      t -= dt;
      if (Math.abs(dt) <= 2 * Number.EPSILON * Math.abs(t)) break;
    }
    nodes[k] = t;
  }
  // exact symmetry: t_k = −t_{n−1−k}
  for (let k = 0; k < Math.floor(n / 2); k++) {
    const t = (nodes[n - 1 - k] - nodes[k]) / 2;
    nodes[k] = -t;
    nodes[n - 1 - k] = t;
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  for (let k = 0; k < n; k++) {
    hermiteNormalizedAll(n - 1, nodes[k], h);
    let s = 0;
    for (let r = 0; r < n; r++) s += h[r] * h[r];
    weights[k] = 1 / s;
  }
  return { nodes, weights };
}

/** P_n(x) by the three-term recurrence (k·P_k = (2k − 1)x·P_{k−1} − (k − 1)P_{k−2}) and P_n'(x) = n(x·P_n − P_{n−1})/(x² − 1), |x| < 1. */
function legendre(n: number, x: number): { p: number; dp: number } {
  let p0 = 1,
    p1 = x;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return { p: p1, dp: (n * (x * p1 - p0)) / (x * x - 1) };
}

/** n-point Gauss–Legendre rule on [−1, 1] (Newton on the Legendre recurrence; nodes ascending). */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`gaussLegendre: n must be an integer ≥ 1, got ${n}`);
  const nodes = new Float64Array(n),
    weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      const v = legendre(n, x);
      dp = v.dp;
      const dx = v.p / dp;
      x -= dx;
      if (Math.abs(dx) <= 1e-16) {
        dp = legendre(n, x).dp; // one more evaluation of the derivative at the converged node
        break;
      }
    }
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    const w = 2 / ((1 - x * x) * dp * dp);
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) nodes[(n - 1) / 2] = 0;
  return { nodes, weights };
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * gaussLegendre(n), computed once per n (a deterministic table of constants; private, never handed out, so
 * never mutated). Measured (steady-state searchTheorem on nguyen2021.hermite.closed-form, quadrature
 * cross-check for r ≤ 20, search bookkeeping included): with the f-before-exp order and the √k table
 * (hermite.ts sqrtIntTable) 43.7 → 36.0 µs per instance; with the recurrence interleaved across a panel's
 * nodes (below) → 28.0 µs. Every μ_r is bit-identical to the node-by-node loop (same hashes of the results).
 */
const GL_CACHE = new Map<number, { nodes: Float64Array; weights: Float64Array }>();
function cachedGaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  let gl = GL_CACHE.get(n);
  if (!gl) GL_CACHE.set(n, (gl = gaussLegendre(n)));
  return gl;
}

/**
 * μ_r(f) = E_{g∼N(0,1)}[f(g) h_r(g)] for r = 0..rMax (h_r = He_r/√(r!)), by composite Gauss–Legendre on
 * [−halfWidth, halfWidth] (default 40) split at `breakpoints` (put the kinks of f there, e.g. [0] for ReLU)
 * and into panels of width ≤ `panelWidth` (default 1), `nodes` points per panel (default 24).
 * Error: for f polynomially bounded and analytic between breakpoints, the quadrature error is below
 * rounding, ≈ u·E|f h_r|·(few) ≤ few·u·‖f‖_{L²(γ)}; tails beyond ±40 are < 1e−300·E|f|-scale.
 */
export function hermiteCoefficientsQuadrature(
  f: (t: number) => number,
  rMax: number,
  opts: { breakpoints?: number[]; nodes?: number; halfWidth?: number; panelWidth?: number } = {},
): Float64Array {
  if (!Number.isInteger(rMax) || rMax < 0) throw new RangeError(`hermiteCoefficientsQuadrature: rMax must be an integer ≥ 0, got ${rMax}`);
  const T = opts.halfWidth ?? 40;
  const width = opts.panelWidth ?? 1;
  const gl = cachedGaussLegendre(opts.nodes ?? 24);
  const cuts = [-T, ...(opts.breakpoints ?? []).filter((b) => b > -T && b < T), T].sort((p, q) => p - q);
  const mu = new Float64Array(rMax + 1);
  // The contributing nodes of one panel, and h_r at each of them: H[r·M + m] = h_r(ts[m]).
  const M = gl.nodes.length;
  const ts = new Float64Array(M),
    ws = new Float64Array(M);
  const H = new Float64Array((rMax + 1) * M);
  const sq = sqrtIntTable(rMax);
  for (let s = 0; s + 1 < cuts.length; s++) {
    const lo = cuts[s],
      hi = cuts[s + 1];
    if (!(hi > lo)) continue;
    const panels = Math.max(1, Math.ceil((hi - lo) / width));
    const pw = (hi - lo) / panels;
    for (let p = 0; p < panels; p++) {
      const a = lo + p * pw;
      const mid = a + pw / 2,
        half = pw / 2;
      let m = 0;
      for (let k = 0; k < M; k++) {
        const t = mid + half * gl.nodes[k];
        // f first: where f(t) = 0 (ReLU on t < 0: half the nodes) the weight below is ±0 and the node is
        // skipped anyway, so the exp is not needed; the same nodes contribute, with the same float64 weights.
        const ft = f(t);
        if (ft === 0) continue;
        const dens = Math.exp(-0.5 * t * t) * INV_SQRT_2PI;
        if (dens === 0) continue;
        const wf = half * gl.weights[k] * dens * ft;
        if (wf === 0) continue;
        ts[m] = t;
        ws[m] = wf;
        m++;
      }
      if (m === 0) continue;
      // The recurrence of hermiteNormalizedAll (the same operations, so the same float64 h_r), run for the
      // panel's nodes side by side: each node's recurrence is a chain of dependent divisions, and interleaving
      // independent chains hides their latency. The sums below then take the nodes in the same order as before.
      for (let j = 0; j < m; j++) H[j] = 1;
      if (rMax >= 1) for (let j = 0; j < m; j++) H[M + j] = ts[j];
      for (let k = 1; k < rMax; k++) {
        const o = k * M,
          sk = sq[k],
          sk1 = sq[k + 1];
        for (let j = 0; j < m; j++) H[o + M + j] = (ts[j] * H[o + j] - sk * H[o - M + j]) / sk1;
      }
      for (let j = 0; j < m; j++) {
        const wf = ws[j];
        for (let r = 0; r <= rMax; r++) mu[r] += wf * H[r * M + j];
      }
    }
  }
  return mu;
}
