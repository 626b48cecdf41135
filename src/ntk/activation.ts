/**
 * The (a,b)-ReLU family of positively 1-homogeneous activations and their dual kernels.
 *
 *   φ(t) = a·t (t > 0),  b·t (t < 0),  φ(0) = 0,   i.e.  φ = a·relu(t) − b·relu(−t) = b·t + (a − b)·relu(t).
 *
 * Members: ReLU (a, b) = (1, 0); leaky ReLU (1, α); absolute value (1, −1); the identity (1, 1).
 *
 * Derivative convention: φ'(t) = a (t > 0), b (t < 0) and **φ'(0) = 0 for every member** (for ReLU this
 * is the convention σ'(0) = 0 of Nguyen–Mondelli–Montúfar 2021, docs/conventions.md#network; for the other members
 * 0 is the value of the symmetric subgradient choice of |t| and is chosen for uniformity). It matters
 * only for degenerate Gaussians (a zero-variance pre-activation, i.e. an input row x_i = 0 with no
 * bias): then E[φ'(u)φ'(v)] = φ'(0)·E[φ'(v)] = 0, so Ġ has a zero row/column.
 *
 * Dual kernels (derivation [DER], checked by Monte Carlo in activation.test.ts). Let (u, v) be jointly
 * Gaussian, Var u = q1, Var v = q2, angle θ ∈ [0, π] (cos θ = Cov(u,v)/√(q1 q2)). With
 * k(θ) := E[relu(u)relu(v)]/√(q1q2) = (sin θ + (π − θ) cos θ)/(2π)  (Cho & Saul 2009, arc-cosine
 * kernel of degree 1) and E[relu(u) relu(−v)] = √(q1q2)·k(π − θ):
 *
 *   E[φ(u)φ(v)]   = √(q1 q2)·J(θ),   J(θ) = [(a² + b²)·g(π − θ) − 2ab·g(θ)] / (2π)
 *   E[φ'(u)φ'(v)] = J̇(θ),            J̇(θ) = [(a² + b²)·(π − θ) + 2ab·θ] / (2π)
 *
 * where g(θ) := sin θ − θ cos θ (so g(π − θ) = sin θ + (π − θ) cos θ = 2π·k(θ)); the second line uses
 * P(u > 0, v > 0) = (π − θ)/(2π) and P(u > 0, v < 0) = θ/(2π). Equivalently
 * J = ab·cos θ + (a−b)²(sin θ + (π−θ) cos θ)/(2π), J̇ = ab + (a−b)²(π − θ)/(2π).
 * At θ = 0 both equal κ := (a² + b²)/2 = E[φ(g)²] = E[φ'(g)²], g ∼ N(0,1). ReLU: κ = 1/2, and
 * 2J, 2J̇ are the closed forms of docs/conventions.md#relu-closed-forms.
 */

export interface Activation {
  kind: 'ab-relu';
  /** Slope for t > 0. */
  a: number;
  /** Slope for t < 0. */
  b: number;
  name: string;
}

export function abRelu(a: number, b: number, name = `ab-relu(${a},${b})`): Activation {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError(`abRelu: slopes must be finite, got (${a}, ${b})`);
  return { kind: 'ab-relu', a, b, name };
}

/** σ(t) = max(0, t). */
export function relu(): Activation {
  return abRelu(1, 0, 'relu');
}

/** φ(t) = t (t > 0), α t (t < 0). */
export function leakyRelu(alpha: number): Activation {
  return abRelu(1, alpha, `leaky-relu(${alpha})`);
}

/** φ(t) = |t|. */
export function absRelu(): Activation {
  return abRelu(1, -1, 'abs');
}

/** φ(t). */
export function apply(act: Activation, t: number): number {
  return t > 0 ? act.a * t : t < 0 ? act.b * t : 0;
}

/** φ'(t) with the convention φ'(0) = 0. */
export function derivative(act: Activation, t: number): number {
  return t > 0 ? act.a : t < 0 ? act.b : 0;
}

/** κ = E[φ(g)²] = E[φ'(g)²] = (a² + b²)/2 for g ∼ N(0,1). */
export function secondMoment(act: Activation): number {
  return (act.a * act.a + act.b * act.b) / 2;
}

// Taylor coefficients of g(θ)/θ³ = Σ_{k≥1} (−1)^{k+1} 2k θ^{2k−2}/(2k+1)!  (in powers of θ²).
const G_TAYLOR: readonly number[] = (() => {
  const c: number[] = [];
  let fact = 6; // (2k+1)! for k = 1
  for (let k = 1; k <= 10; k++) {
    c.push(((k % 2 === 1 ? 1 : -1) * 2 * k) / fact);
    fact *= (2 * k + 2) * (2 * k + 3);
  }
  return c;
})();
const G0 = G_TAYLOR[0],
  G1 = G_TAYLOR[1],
  G2 = G_TAYLOR[2],
  G3 = G_TAYLOR[3],
  G4 = G_TAYLOR[4];
const G5 = G_TAYLOR[5],
  G6 = G_TAYLOR[6],
  G7 = G_TAYLOR[7],
  G8 = G_TAYLOR[8],
  G9 = G_TAYLOR[9];

/**
 * g(θ) = sin θ − θ cos θ for θ ∈ [0, π], without cancellation: for θ < 1 the Taylor series
 * θ³/3 − θ⁵/30 + θ⁷/840 − … (10 terms; the first omitted term is < 2·10⁻¹⁹·θ³ relative), else the
 * direct formula with sin θ = sn, cos θ = cs supplied by the caller (saves two libm calls).
 * Error: relative ≤ 6u for θ < 1 (alternating, rapidly decreasing Horner sum); for θ ≥ 1 absolute
 * ≤ 3u(|sn| + θ|cs|) + errors of sn, cs, which is ≤ 10u·g(θ) + θ·|Δcs| + |Δsn|  (g(θ)/(sin θ+θ|cos θ|) ≥ 0.21 on [1, π]).
 */
export function sinMinusThetaCos(theta: number, sn: number = Math.sin(theta), cs: number = Math.cos(theta)): number {
  return theta < 1 ? sinMinusThetaCosSmall(theta) : sn - theta * cs;
}

/** g(θ) = sin θ − θ cos θ by its Taylor series; for 0 ≤ θ < 1 (relative error ≤ 6u there). */
export function sinMinusThetaCosSmall(theta: number): number {
  const t2 = theta * theta;
  const p = G0 + t2 * (G1 + t2 * (G2 + t2 * (G3 + t2 * (G4 + t2 * (G5 + t2 * (G6 + t2 * (G7 + t2 * (G8 + t2 * G9))))))));
  return theta * t2 * p;
}

/** J(θ) with E[φ(u)φ(v)] = √(q1 q2)·J(θ) (see the module comment). Absolute error ≤ 30u·κ. */
export function dualKernel(act: Activation, theta: number): number {
  const { a, b } = act;
  const sn = Math.sin(theta),
    cs = Math.cos(theta);
  const eps = Math.PI - theta;
  const gT = sinMinusThetaCos(theta, sn, cs);
  const gE = sinMinusThetaCos(eps, sn, -cs);
  return ((a * a + b * b) * gE - 2 * a * b * gT) / (2 * Math.PI);
}

/** J̇(θ) with E[φ'(u)φ'(v)] = J̇(θ) for non-degenerate (u, v). Absolute error ≤ 6u·κ. */
export function dualKernelDerivative(act: Activation, theta: number): number {
  const { a, b } = act;
  return ((a * a + b * b) * (Math.PI - theta) + 2 * a * b * theta) / (2 * Math.PI);
}

/**
 * E[φ(u)φ(v)] and E[φ'(u)φ'(v)] for (u, v) ∼ N(0, [[q1, c], [c, q2]]), handling the degenerate cases:
 * q1 = 0 or q2 = 0 gives (0, 0) (φ(0) = 0 and φ'(0) = 0); the angle is θ = arccos(c/√(q1q2)) clipped to
 * [0, π]. This is the reference (pointwise, clip-based) form used by tests and small callers; the
 * limiting kernels propagate angles without cancellation instead (angles.ts, limiting.ts).
 */
export function dualExpectations(act: Activation, q1: number, q2: number, c: number): { phiPhi: number; dphiDphi: number } {
  if (!(q1 > 0) || !(q2 > 0)) return { phiPhi: 0, dphiDphi: 0 };
  const s = Math.sqrt(q1 * q2);
  const theta = Math.acos(Math.min(1, Math.max(-1, c / s)));
  return { phiPhi: s * dualKernel(act, theta), dphiDphi: dualKernelDerivative(act, theta) };
}
