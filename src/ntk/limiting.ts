/**
 * Limiting (infinite-width) NNGP and NTK of a deep fully-connected network, as a FOLD over layers
 * (in the manner of neural-tangents' `stax`: one kernel record flows through the layers).
 *
 * Record per pair (i, j): the layer-l pre-activation covariance G_ij, its diagonal q_i = G_ii, the
 * ANGLE θ_ij (with s_ij = sin²(θ_ij/2)), and the NTK K_ij. The angle is propagated from layer to
 * layer in a cancellation-free way and is never recomputed from a rounded cosine (angles.ts).
 *
 * Layer map (l = 2..L), weight variance W² = c_l, bias variance B², activation φ of the (a,b)-ReLU
 * family with κ = E[φ(g)²] = (a²+b²)/2, J, J̇ its dual kernels (activation.ts):
 *   q'_i  = W²κ q_i + B²                               (q_i = 0 ⇒ q'_i = B²)
 *   G'_ij = W² √(q_i q_j) J(θ_ij) + B²
 *   Ġ'_ij = W² J̇(θ_ij)                                 (0 if q_i = 0 or q_j = 0: φ'(0) = 0)
 *   K'_ij = K_ij Ġ'_ij + G'_ij
 *   θ'_ij = 2 atan2(√n⁻, √n⁺),  n∓ = √(q'_i q'_j) ∓ G'_ij evaluated without cancellation [DER]:
 *     with r = √q, A = W²κ, D = √(q'_i q'_j) and M := D − (A r_i r_j + B²) = A B² (r_i − r_j)² / (D + A r_i r_j + B²)
 *     (because q'_i q'_j − (A r_i r_j + B²)² = A B² (r_i − r_j)²):
 *       n⁻ = M + W² r_i r_j (κ − J(θ)),     n⁺ = M + 2B² + W² r_i r_j (κ + J(θ)),
 *     κ − J = [(a²+b²) f(θ) + 2ab g(θ)]/(2π)                  (ab ≥ 0; all terms ≥ 0)
 *           = [(|a|−|b|)² f(θ) + 2|ab| h(θ)]/(2π)              (ab < 0; all terms ≥ 0)
 *     κ + J = [π(a−b)² + (a²+b²) g(π−θ) + 2ab f(π−θ)]/(2π)    (ab ≥ 0)
 *           = [(a²+b²)(π + g(π−θ)) + 2|ab| g(θ)]/(2π)           (ab < 0)
 *     with g(θ) = sin θ − θ cos θ (Taylor series for small θ), f(θ) = π(1 − cos θ) − g(θ) = ∫₀^θ (π−t) sin t dt ≥ 0,
 *     h(θ) = f(θ) − g(θ) = h(π − θ) ≥ 0, 1 − cos θ = 2s, 1 + cos θ = 2(1 − s). For ReLU without bias this is
 *     1 − cos θ' = [π(1 − cos θ) − (sin θ − θ cos θ)]/π.
 *
 * First layer (l = 1): G^{(1)} = c_1·X Xᵀ ('nmm') or W_std² X Xᵀ/d + b_std² ('ntk'), K^{(1)} = G^{(1)},
 * angles from angles.ts on the (scaled, bias-augmented) rows x̃_i = (√c·x_i, b_std).
 *
 * Parameterisations:
 *  - 'nmm' (default; Nguyen–Mondelli–Montúfar 2021 eqs. (9)–(10),
 * docs/conventions.md#limiting-ntk-and-nngp): c_1 = 1, c_l = 1/κ
 *    for l ≥ 2 (= 2 for ReLU: G^{(l)} = 2E[σσ], Ġ^{(l)} = 2E[σ'σ']), no biases. Hence G^{(l)}_ii = ‖x_i‖²,
 *    K^{(L)}_ii = L‖x_i‖². `weightVariances` (length L, entry l−1 = c_l) overrides.
 *  - 'ntk' (neural-tangents `stax.serial(Dense(W_std, b_std), φ, Dense, φ, …, Dense)` with
 *    parameterization='ntk', depth = number of Dense layers; c_σ = 1, no 2): the input kernel is
 *    XXᵀ/d (neural-tangents divides by the number of input features), Dense maps nngp ↦ W_std²·nngp + b_std²
 *    and ntk ↦ nngp' + W_std²·ntk (input ntk = 0), the nonlinearity maps nngp ↦ E[φφ] and ntk ↦ ntk·E[φ'φ'].
 *    So G^{(1)} = W²XXᵀ/d + b², K^{(1)} = G^{(1)}, and for l ≥ 2 the map above with W² = W_std², B² = b_std².
 *    `nngp`, `ntk` are then neural-tangents' kernel_fn(x, x, ('nngp', 'ntk')) of the output.
 */
import type { Matrix } from '../linalg/matrix.ts';
import { ETA, UNIT_ROUNDOFF, allFinite, gamma } from '../linalg/matrix.ts';
import { exponentOf, ldexp, rowsToUnitRange } from '../linalg/pow2.ts';
import { gram, nonNegativeSumUpper, up } from '../linalg/blas.ts';
import { NumericalError, UserError } from '../errors.ts';
import { type Activation, relu, secondMoment, sinMinusThetaCosSmall } from './activation.ts';
import { halfAngleFromPair, packedPairAngles, pairwiseAngleErrorBound } from './angles.ts';
import type { ActivationRecord } from './activations/record.ts';
import { limitingKernelsSmooth } from './limitingSmooth.ts';

/** The (a,b)-ReLU members (activation.ts, or their records in activations/abRelu.ts) carry their slopes. */
function isAbRelu(act: Activation | ActivationRecord): act is Activation {
  return act.kind === 'ab-relu' && typeof (act as Activation).a === 'number' && typeof (act as Activation).b === 'number';
}

function asAbRelu(act: Activation | ActivationRecord): Activation {
  if (!isAbRelu(act)) throw new RangeError(`limiting.ts: the angle-propagating fold applies to the (a,b)-ReLU family only, got ${act.name}`);
  return act;
}

/** κ = E[σ(g)²], g ∼ N(0, 1). */
function kappaOf(act: Activation | ActivationRecord): number {
  return isAbRelu(act) ? secondMoment(act) : act.secondMoment;
}

export interface LimitingArchitecture {
  /** L = number of weight matrices, ≥ 1. */
  depth: number;
  /**
   * Default: relu(). An (a,b)-ReLU member (activation.ts or activations/abRelu.ts) uses the angle-propagating fold
   * below; any other activation record (erf, tanh, sigmoid: activations/registry.ts) the interval fold of
   * limitingSmooth.ts.
   */
  activation?: Activation | ActivationRecord;
  /** Default 'nmm'. */
  parameterization?: 'nmm' | 'ntk';
  /**
   * 'nmm' only: c_1..c_L (length L; entry l−1 multiplies layer l). Default c_1 = 1 and c_l = 1/κ = 2/(a²+b²)
   * for l ≥ 2 (= 2 for ReLU, eq. (9): G^{(l)} = 2E[σσ]).
   */
  weightVariances?: number[];
  /** 'ntk' only: weight standard deviation W_std (default 1). */
  wStd?: number;
  /** 'ntk' only: bias standard deviation b_std (default 0). */
  bStd?: number;
}

export interface LayerKernels {
  /** G^{(l)} */
  nngp: Matrix;
  /** Ġ^{(l)} (null for l = 1) */
  nngpDot: Matrix | null;
}

export interface LimitingKernels {
  /** G^{(L)} */
  nngp: Matrix;
  /** K^{(L)} */
  ntk: Matrix;
  /** ≥ ‖computed G^{(L)} − exact‖₂ (see limitingErrorCoefficients). */
  nngpErrorBound: number;
  /** ≥ ‖computed K^{(L)} − exact‖₂. */
  ntkErrorBound: number;
  /**
   * Entrywise bounds: |ΔK_ij| ≤ ntk·√(K_ii K_jj) + absolute, |ΔG_ij| ≤ nngp·√(G_ii G_jj) + absolute (exact
   * diagonals, in the units of the returned matrices; absolute = ETA ≥ the ETA/2 of the final rounding on the
   * rescaled path, else 0).
   */
  entrywiseBound: { nngp: number; ntk: number; absolute: number };
  /**
   * The exact kernels are 2^log2Scale times the returned ones (error bounds in the same units). 0 unless
   * limitingKernels is called with { rescale: true } on data or constants beyond the direct range.
   */
  log2Scale: number;
  conventions: Record<string, string | number | boolean>;
  /** G^{(l)}, Ġ^{(l)} for l = 1..L (only with keepLayers). */
  layers?: LayerKernels[];
}

/** Resolved per-layer constants: layer l (1-based) uses w2[l−1], b2[l−1]. */
export interface ResolvedArchitecture {
  depth: number;
  activation: Activation | ActivationRecord;
  parameterization: 'nmm' | 'ntk';
  w2: number[];
  b2: number[];
  /** G^{(1)} = firstScale·XXᵀ + b2[0]. */
  firstScale: number;
  /**
   * The same constants as exact binary factorisations v = m·2^e (m ∈ [1, 2), or m = e = 0 for v = 0), taken
   * before any rounding that could under- or overflow: w2[l] = ldexp(w2f[l].m, w2f[l].e) whenever that is a
   * normal double, but w2f also represents W_std² = 1e-320 or 1e400 exactly up to one rounding of the mantissa.
   */
  w2f: Pow2Factor[];
  b2f: Pow2Factor[];
  firstScalef: Pow2Factor;
  /** True when some layer has a bias (b_std ≠ 0), even if b_std² underflows to 0. */
  biased: boolean;
  /**
   * (a,b)-ReLU with slopes beyond 2^±256: `activation` holds the slopes times 2^−slopeExp (largest |slope| in [1, 2)),
   * and the hidden-layer factors w2f carry 2^{2·slopeExp} (exact: E[φ(u)φ(v)] is quadratic and E[φ'(u)φ'(v)]
   * is quadratic in (a, b)). 0 otherwise.
   */
  slopeExp: number;
  /** The activation as given (before the slope normalisation). */
  activationGiven: Activation | ActivationRecord;
}

/** v = m·2^e with m ∈ [1, 2) (m = e = 0 for v = 0). */
export interface Pow2Factor {
  m: number;
  e: number;
}

function factor(v: number): Pow2Factor {
  if (v === 0) return { m: 0, e: 0 };
  const e = exponentOf(v);
  return { m: ldexp(Math.abs(v), -e), e };
}

/** The square of v = m·2^e as a factor: fl(m²) (one rounding) times 2^(2e). */
function factorSquare(v: number): Pow2Factor {
  const f = factor(v);
  if (f.m === 0) return f;
  const m2 = f.m * f.m; // ∈ [1, 4): the same rounding as fl(v²) when v² is normal
  return m2 >= 2 ? { m: m2 / 2, e: 2 * f.e + 1 } : { m: m2, e: 2 * f.e };
}

export function resolveArchitecture(arch: LimitingArchitecture, inputDim: number): ResolvedArchitecture {
  const L = arch.depth;
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`limitingKernels: depth must be an integer ≥ 1, got ${L}`);
  const given = arch.activation ?? relu();
  // Slopes so large that a² + b², (a − b)² or the products of the fold overflow (|α| ≳ 1e154 for leaky-relu:α):
  // φ_{a,b} = 2^t·φ_{a',b'} with (a', b') = 2^{−t}(a, b) exact (a slope below 2^{t−1074} may round; its square
  // is then below 2^-2000 of the other's, far under every relative error term), so G' = W²·2^{2t}·E[φ'φ'] + B²
  // and Ġ' = W²·2^{2t}·E[φ̇'φ̇']: the fold runs with (a', b') and W² scaled by 2^{2t} in its binary factor.
  let slopeExp = 0;
  let act = given;
  if (isAbRelu(given)) {
    const top = Math.max(Math.abs(given.a), Math.abs(given.b));
    if (top >= 2 ** 256) {
      slopeExp = exponentOf(top);
      act = { ...given, a: ldexp(given.a, -slopeExp), b: ldexp(given.b, -slopeExp) };
    }
  }
  const kappa = kappaOf(act);
  const param = arch.parameterization ?? 'nmm';
  const w2: number[] = [],
    b2: number[] = [];
  const w2f: Pow2Factor[] = [],
    b2f: Pow2Factor[] = [];
  let firstScale: number;
  let firstScalef: Pow2Factor;
  let biased = false;
  if (param === 'nmm') {
    if (arch.wStd !== undefined || arch.bStd !== undefined) throw new RangeError(`limitingKernels: wStd/bStd apply to parameterization 'ntk' only`);
    const wv = arch.weightVariances;
    if (wv !== undefined && wv.length !== L) throw new RangeError(`limitingKernels: weightVariances must have length L = ${L}, got ${wv.length}`);
    for (let l = 1; l <= L; l++) {
      // default c_l = 1/κ = 2^{−2t}/κ' (κ' of the normalised slopes): the fold's factor 2^{2t}·c_l is fl(1/κ')
      const c = wv ? wv[l - 1] : l === 1 ? 1 : 1 / kappa;
      if (!(c >= 0) || !Number.isFinite(c)) throw new RangeError(`limitingKernels: weight variance of layer ${l} must be finite and ≥ 0, got ${c}`);
      const f = l >= 2 && slopeExp !== 0 ? scaledFactor(c, wv ? 2 * slopeExp : 0) : factor(c);
      w2.push(ldexp(f.m, f.e));
      b2.push(0);
      w2f.push(f);
      b2f.push(factor(0));
    }
    firstScale = w2[0];
    firstScalef = w2f[0];
  } else if (param === 'ntk') {
    if (arch.weightVariances !== undefined) throw new RangeError(`limitingKernels: weightVariances applies to parameterization 'nmm' only`);
    const ws = arch.wStd ?? 1,
      bs = arch.bStd ?? 0;
    if (!Number.isFinite(ws) || !Number.isFinite(bs)) throw new RangeError(`limitingKernels: wStd, bStd must be finite`);
    for (let l = 1; l <= L; l++) {
      const f = l >= 2 && slopeExp !== 0 ? scaledFactor(factorSquare(ws), 2 * slopeExp) : factorSquare(ws);
      w2.push(l >= 2 && slopeExp !== 0 ? ldexp(f.m, f.e) : ws * ws);
      b2.push(bs * bs);
      w2f.push(f);
      b2f.push(factorSquare(bs));
    }
    firstScale = (ws * ws) / inputDim;
    // fl(fl(W²)/d) = 2^e·fl(m/d) exactly while both are normal; otherwise this is the representable form.
    const f = w2f[0];
    firstScalef =
      f.m === 0
        ? f
        : (() => {
            const g = factor(f.m / inputDim);
            return { m: g.m, e: g.e + f.e };
          })();
    biased = bs !== 0;
  } else {
    throw new RangeError(`limitingKernels: unknown parameterization ${String(param)}`);
  }
  return {
    depth: L,
    activation: act,
    parameterization: param,
    w2,
    b2,
    firstScale,
    w2f,
    b2f,
    firstScalef: firstScalef!,
    biased,
    slopeExp,
    activationGiven: given,
  };
}

/** v·2^k as a binary factor (v a double or a factor; exact). */
function scaledFactor(v: number | Pow2Factor, k: number): Pow2Factor {
  const f = typeof v === 'number' ? factor(v) : v;
  return f.m === 0 ? f : { m: f.m, e: f.e + k };
}

// Rounding constants of one layer map, in units of u (derivation in limitingErrorCoefficients).
const U = UNIT_ROUNDOFF;

/**
 * Error propagation through the fold [DER]. Quantities after layer l, for every pair:
 *   e_l  ≥ |θ̂ − θ| (absolute angle error), ν_l ≥ |q̂_i − q_i|/q_i,
 *   γG_l ≥ |ΔG_ij|/√(G_ii G_jj),  γĠ_l ≥ |ΔĠ_ij|/(W²κ),  γK_l ≥ |ΔK_ij|/√(K_ii K_jj).
 * Layer 1: ν_1 = γG_1 = γK_1 = γ_{d'} (Gram entry, Higham eq. 3.5 + Cauchy–Schwarz; d' = d, or d + 5 when the
 * rows are scaled/augmented), e_1 = 2.31γ_{d'+2} + 10u (angles.ts).
 * Layer l → l+1 (W², B², A = W²κ):
 *   e_{l+1}  = e_l + [B² > 0]·ν_l/2 + E_loc       (the angle map θ ↦ θ' is 1-Lipschitz — checked on a grid of
 *              (a, b), bias and norm ratios in limiting.test.ts; scaling r_i by (1+η) turns the augmented
 *              feature vector by ≤ |η|/2; E_loc = 40u (ab ≥ 0) or 80u (ab < 0) covers the ≈ 25 roundings of
 *              n∓ with the conditioning factors ≤ 2 of f and ≤ 2.8 of h, √, atan2 ≤ 1 ulp)
 *   γG_{l+1} = e_l + ν_l + 30u                    (|dJ/dθ| = sin θ[(a²+b²)(π−θ) + 2|ab|θ]/(2π)... ≤ κ, A r_i r_j ≤ √(q'_i q'_j);
 *              evaluation of J: ≤ 24u·κ absolute)
 *   γĠ_{l+1} = (a−b)²/(2πκ)·e_l + 6u              (|dJ̇/dθ| = (a−b)²/(2π), |J̇| ≤ κ)
 *   γK_{l+1} = max(γK_l + γĠ_{l+1}, γG_{l+1}) + 2u  (|K_ij| ≤ √(K_iiK_jj), |Ġ| ≤ W²κ, Cauchy–Schwarz:
 *              √(K_iiK_jj)W²κ + √(G'_iiG'_jj) ≤ √(K'_iiK'_jj))
 *   ν_{l+1}  = ν_l + 3u.
 * Closed form for ReLU 'nmm' (B = 0, W²κ = 1 so ν stays γ_d): e_1 = (2.31d + 15)u, e_l = e_1 + 40(l−1)u,
 * γK_2 = e_1 + ν + 32u ≈ (3.31d + 47)u and γK_l = γK_{l−1} + e_{l−1}/π + 8u for l ≥ 3, i.e.
 *   c(L) = γK_L/u ≈ 3.31d + 47 + (L−2)(0.735d + 12.8) + 6.4(L−2)(L−1)     (d = 100, L = 5: c ≈ 713).
 * Spectral: ‖ΔK‖₂ ≤ ‖ΔK‖_F ≤ γK_L·√(Σ_ij K_ii K_jj) = γK_L·tr(K) (likewise for G). Observed errors against a
 * 50-digit reference are 1–5u (limiting.test.ts), i.e. the bound is 15–200× pessimistic (worst-case γ_d).
 */
export function limitingErrorCoefficients(res: ResolvedArchitecture, inputDim: number, qFloor = 1): { nngp: number; ntk: number; angle: number[] } {
  const { a, b } = asAbRelu(res.activation);
  const kappa = secondMoment(asAbRelu(res.activation));
  const scaled = res.firstScale !== 1 || res.b2[0] > 0 || res.biased;
  const dEff = inputDim + (scaled ? 5 : 0);
  // Gradual underflow [DER]: besides the relative error u, every rounded operation may add an absolute error
  // ≤ ETA/2 (Higham, Accuracy and Stability, Thm 2.2 and its remark on underflow). Every quantity of the fold
  // for pair (i, j) (Gram entry, norms, n∓, J, Ġ, K) is evaluated in ≤ dEff + 64 operations on numbers whose
  // natural scale is √(q_i q_j) ≥ qFloor (qFloor ≤ min over layers and non-zero rows of q_i, in the units the
  // fold is evaluated in), so the absolute errors add ≤ uf = (dEff + 64)·ETA/qFloor to each relative
  // coefficient, and ≤ 32√uf to an angle (θ = 2 atan √(n⁻/n⁺) turns an absolute error δ of n⁻ into ≤ 2√(δ/n⁺)).
  // This needs every intermediate's absolute error ETA/2 to reach the result with a factor ≤ 2 in the units of
  // √(q_i q_j), i.e. no intermediate is a product of two small quantities that is later divided by a small one.
  // limitingKernels therefore evaluates D = √q'_i·√q'_j (not √(q'_i q'_j): q'_i q'_j ≈ 2^-1950 for q' ≈ 2^-975)
  // and M = ((A·(B²/den))·dr)·dr with den = D + A r_i r_j + B² ≥ B², dr = r_i − r_j, |dr| ≤ max(r_i, r_j):
  // B²/den ≤ 1, and the later factors A·dr², dr, 1 are ≤ 2 (fold units: A·max q ≤ 2). The order
  // (A·B²·dr·dr)/den would put the underflow error ETA/2 of A·B²·dr into M with the factor |dr|/den, up to
  // 2^-500/2^-1000 = 2^500, and √(q'_i q'_j) = 0 halves den: an error no term of this bound covers.
  // On the direct path limitingKernels keeps qFloor ≥ 2^-601, where uf ≤ 2^-430 lies far below half an ulp of every coefficient
  // (≥ 2^-53·d): the coefficients are then the same doubles as without these terms.
  const qf = Math.min(1, qFloor);
  const uf = qf > 0 ? up(up((dEff + 64) * ETA) / qf) : Infinity;
  const ufAngle = up(32 * Math.sqrt(uf));
  let nu = gamma(dEff) + uf;
  let e = pairwiseAngleErrorBound(dEff, qf);
  let gG = gamma(dEff) + uf;
  let gK = gG;
  const angle = [e];
  const eLoc = (a * b >= 0 ? 40 : 80) * U;
  const dotLip = kappa > 0 ? ((a - b) * (a - b)) / (2 * Math.PI * kappa) : 0;
  for (let l = 2; l <= res.depth; l++) {
    const gGnew = e + nu + 30 * U + uf;
    const gD = dotLip * e + 6 * U + uf;
    gK = Math.max(gK + gD, gGnew) + 2 * U + uf;
    gG = gGnew;
    e = e + (res.b2[l - 1] > 0 || res.biased ? nu / 2 : 0) + eLoc + ufAngle;
    nu = nu + 3 * U + uf;
    angle.push(e);
  }
  // Widen a little for the first-order treatment (products of two error terms are ≤ 1e-10 relative).
  return { nngp: up(gG * (1 + 1e-6)), ntk: up(gK * (1 + 1e-6)), angle };
}

const INV_TWO_PI = 1 / (2 * Math.PI);
const HALF_PI = Math.PI / 2;

/**
 * Bounds of the DIRECT evaluation (the data and constants as given, no rescaling): every non-zero q_i^{(l)},
 * every diagonal K_ii^{(l)} and every constant W², B², c_1 within [2^-600, 2^600] (K ≤ 2^900), zero rows
 * exactly zero. Then nothing under- or overflows beyond the absolute terms of limitingErrorCoefficients,
 * which are negligible there (qFloor = 2^-600). Predicted from the Gram diagonal in O(N + L):
 * q' = W²κq + B² (bounded by max(W²κ·q_max, B²)·2 above and max(W²κ·q_min, B²) below), K' ≤ K·W²κ + q'
 * (Ġ ≤ W²κ: J̇ is maximal at θ = 0).
 */
const DIRECT_LOG2_RANGE = 600;
function directEvaluationIsSafe(res: ResolvedArchitecture, x: Matrix, x1: Matrix, g: Float64Array, kappa: number): boolean {
  const inRange = (v: number) => v === 0 || (v >= 2 ** -DIRECT_LOG2_RANGE && v <= 2 ** DIRECT_LOG2_RANGE);
  // a constant is usable as a double iff it is an exact 0 or lies in the range (not a 0 from underflow)
  const constOk = (v: number, f: Pow2Factor) => (f.m === 0 ? v === 0 : v !== 0 && inRange(v));
  if (!constOk(res.firstScale, res.firstScalef)) return false;
  for (let l = 0; l < res.depth; l++) {
    if (!constOk(res.w2[l], res.w2f[l]) || !constOk(res.b2[l], res.b2f[l]) || !inRange(res.w2[l] * kappa)) return false;
  }
  const n = x1.rows;
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = g[i * n + i];
    if (v === 0) {
      // a row whose squared norm underflows to 0 must not be taken for a zero row; look at the row as given:
      // the scaled row √c_1·x_i may itself underflow to exact zeros (c_1 = W_std²/d small, x_i tiny)
      for (let k = 0; k < x.cols; k++) if (x.data[i * x.cols + k] !== 0) return false;
      continue;
    }
    if (!inRange(v)) return false;
    lo = Math.min(lo, Math.log2(v));
    hi = Math.max(hi, Math.log2(v));
  }
  if (lo === Infinity) return true; // all rows zero (no bias): every entry is an exact 0
  let hiK = hi;
  for (let l = 2; l <= res.depth; l++) {
    const A = res.w2[l - 1] * kappa,
      B2 = res.b2[l - 1];
    const la = A > 0 ? Math.log2(A) : -Infinity,
      lb = B2 > 0 ? Math.log2(B2) : -Infinity;
    hi = Math.max(hi + la, lb) + 1;
    lo = Math.max(lo + la, lb);
    hiK = Math.max(hiK + la, hi) + 1;
    if (lo === -Infinity) return true; // A = B² = 0: all later entries are exact zeros
    if (lo < -DIRECT_LOG2_RANGE || hi > DIRECT_LOG2_RANGE || hiK > 1.5 * DIRECT_LOG2_RANGE) return false;
  }
  return true;
}

/**
 * The limiting NNGP G^{(L)} and NTK K^{(L)} of x (N × d, one sample per row). See the module comment
 * for the recursion and limitingErrorCoefficients for the error bounds. Cost: N²d/2 (Gram) + ≈ 40 flops,
 * 3 √ and one atan2 per pair and layer; memory 2 N² doubles — the returned G and K, which also carry the
 * per-pair angle state during the fold (+ 2 N² per layer with keepLayers).
 *
 * Every finite input is supported. Data, W_std, b_std in the range checked by directEvaluationIsSafe (all
 * ordinary data) are evaluated as given. Otherwise the fold runs on an EXACTLY rescaled problem [DER]:
 *  - without biases the kernels are positively homogeneous of degree 1 in each row's scale: with
 *    D = diag(2^{k_i}), G^{(l)}(DX) = D G^{(l)}(X) D and K^{(l)}(DX) = D K^{(l)}(X) D, because G^{(1)} = c_1XXᵀ,
 *    the angles are scale-free, G' = W²√(q_iq_j)J(θ), Ġ' = W²J̇(θ) and K' = K∘Ġ' + G'. Each row is scaled by
 *    the power of two that puts its largest entry in [1, 2) (exact, except for entries that underflow when a
 *    row mixes scales beyond 2^1022 — a perturbation ≤ ETA/2 per entry of a row of norm ≥ 1, inside the
 *    absolute terms of limitingErrorCoefficients);
 *  - with biases only a common scale is exact: G^{(l)}(cX; W, cb) = c² G^{(l)}(X; W, b), likewise K;
 *  - per layer, with G = 2^S Ĝ and K = 2^S K̂ (same S), the layer map with constants (W², B²) equals the
 *    layer map on (Ĝ, K̂) with (W²·2^{S−S'}, B²·2^{−S'}), followed by G' = 2^{S'}Ĝ' (substitute in the
 *    formulas above: every term of G', K' carries exactly one factor W² or B² or K); S' is chosen so that
 *    max q̂' ≈ 1, the constants are formed from their binary factorisation (no overflow, no spurious
 *    underflow of W_std² or b_std²).
 * The result is returned as 2^{log2Scale}·(returned matrices): log2Scale = 0 unless opts.rescale, in which case
 * it is chosen so that the largest diagonal entry lies in [1, 2) (callers that report eigenvalues, like the
 * `kernel` command, use this to keep kernels beyond the float64 range, e.g. data at 1e200, representable).
 * Mapping back rounds each entry once (absolute error ≤ ETA/2, in `entrywiseBound.absolute` and the spectral
 * bounds). Without opts.rescale a kernel that overflows float64 throws NumericalError.
 * With biases, rows whose W²‖x_i‖²/d + b² span more than 2^1000 (≈ 1e301) throw a UserError: the smallest would
 * be below the float64 resolution of the largest.
 */
export function limitingKernels(x: Matrix, arch: LimitingArchitecture, opts: { keepLayers?: boolean; rescale?: boolean } = {}): LimitingKernels {
  const n = x.rows,
    d = x.cols;
  if (!allFinite(x.data)) throw new NumericalError('limitingKernels: data contain NaN or ±Infinity');
  const res = resolveArchitecture(arch, d);
  if (!isAbRelu(res.activation)) return limitingKernelsSmooth(x, res, res.activation, arch, opts.keepLayers === true);
  const L = res.depth;
  const act = res.activation;
  const { a, b } = act;
  const kappa = secondMoment(act);
  const keep = opts.keepLayers === true;

  // ---- layer 1 -------------------------------------------------------------------------------
  let x1 = x;
  if (res.firstScale !== 1 || res.b2[0] > 0) {
    const dd = d + (res.b2[0] > 0 ? 1 : 0);
    const sc = Math.sqrt(res.firstScale),
      bb = Math.sqrt(res.b2[0]);
    const data = new Float64Array(n * dd);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) data[i * dd + k] = sc * x.data[i * d + k];
      if (dd > d) data[i * dd + d] = bb;
    }
    x1 = { rows: n, cols: dd, data };
  }
  // Memory: the whole per-pair record lives in TWO n × n arrays. G^{(l)} and K^{(l)} are updated in place in
  // the upper triangle + diagonal; the angle θ_ij sits in the strict lower triangle of G and s_ij = sin²(θ_ij/2)
  // in that of K, in the reflected packing of angles.ts (pair (i, j) at (n−1−i)·n + j−i−1, unit stride in j).
  // The final mirrorUpper overwrites both lower triangles. Peak: 2 n² doubles (separate G, K, θ, s would take 4 n²).
  let G = gram(x1).data; // G^{(1)}
  const direct = directEvaluationIsSafe(res, x, x1, G, kappa);
  // Exact rescaling (see the doc comment): row exponents k_i (natural G_ij = 2^{S + k_i + k_j} Ĝ_ij) and S per layer.
  let rowExp: Int32Array | null = null;
  let S = 0;
  let biasShift = 0; // with biases all k_i = h: natural B² is 2^{2h}·(B²·2^{−2h}) in the row units
  if (!direct) {
    const sc = prescaledFirstLayer(x, res);
    x1 = sc.x1;
    rowExp = sc.rowExp;
    S = sc.S;
    biasShift = sc.biasShift;
    G = gram(x1).data;
  }
  const K = Float64Array.from(G); // K^{(1)} = G^{(1)}
  packedPairAngles(x1, G, G, K);
  const theta = G,
    s2 = K;
  let q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = G[i * n + i];
  // Smallest non-zero q over the layers (units of the fold): the absolute-error terms of the bound.
  let qFloor = 2 ** -(DIRECT_LOG2_RANGE + 1); // direct path: q ≥ 2^-600 predicted from computed values
  if (!direct) {
    let qMin = Infinity,
      qMax = 0;
    // with biases every row has q > 0 (a computed 0 is an underflow); without, q = 0 only for zero rows
    for (let i = 0; i < n; i++)
      if (q[i] > 0 || res.biased) {
        qMin = Math.min(qMin, q[i]);
        qMax = Math.max(qMax, q[i]);
      }
    if (res.biased && !(qMin >= qMax * 2 ** -1000)) {
      throw new UserError(
        `limiting kernel with b_std > 0: the rows' W_std²‖x_i‖²/d + b_std² span more than 2^1000 (≈ 1e301), beyond float64 resolution; supported: a span ≤ 2^1000 (rescale the data or raise b_std)`,
      );
    }
    qFloor = qMin === Infinity ? 1 : qMin / 2;
  }
  const layers: LayerKernels[] = [];
  const layerScales: number[] = [S];
  const dotScales: number[] = [0];
  if (keep) {
    const g1 = Float64Array.from(G);
    mirrorUpper(g1, n);
    layers.push({ nngp: { rows: n, cols: n, data: g1 }, nngpDot: null });
  }

  // ---- layers 2..L ----------------------------------------------------------------------------
  const p = a * a + b * b,
    m2 = 2 * a * b;
  const abNonNeg = a * b >= 0;
  const absA = Math.abs(a),
    absB = Math.abs(b);
  const dm2 = (absA - absB) * (absA - absB);
  const amb2 = (a - b) * (a - b);
  const PI = Math.PI;
  const r = new Float64Array(n);
  const qn = new Float64Array(n);
  const rn = new Float64Array(n); // √q'_i
  for (let l = 2; l <= L; l++) {
    let W2 = res.w2[l - 1],
      B2 = res.b2[l - 1];
    if (!direct) {
      // constants of the rescaled layer map (doc comment): W²·2^{S−S'}, B²·2^{−S'}, with max q̂' ≈ 1
      const wf = res.w2f[l - 1],
        bf = res.b2f[l - 1];
      let qMax = 0;
      for (let i = 0; i < n; i++) qMax = Math.max(qMax, q[i]);
      const P = wf.m * kappa * qMax;
      const fromW = P > 0 ? S + wf.e + exponentOf(P) : -Infinity;
      const fromB = bf.m > 0 ? bf.e - biasShift : -Infinity;
      const S1 = Math.max(fromW, fromB) === -Infinity ? S + wf.e : Math.max(fromW, fromB);
      W2 = ldexp(wf.m, S + wf.e - S1);
      B2 = ldexp(bf.m, bf.e - biasShift - S1);
      dotScales.push(S1 - S);
      S = S1;
      layerScales.push(S);
    }
    const A = W2 * kappa;
    for (let i = 0; i < n; i++) {
      r[i] = Math.sqrt(q[i]);
      qn[i] = q[i] > 0 ? A * q[i] + B2 : B2;
      rn[i] = Math.sqrt(qn[i]);
    }
    const gd = keep ? new Float64Array(n * n) : null;
    for (let i = 0; i < n; i++) {
      const ri = r[i],
        qi = q[i],
        qni = qn[i];
      const rowI = i * n;
      // diagonal: θ_ii = 0
      const gdii = qi > 0 ? A : 0;
      K[rowI + i] = K[rowI + i] * gdii + qni;
      G[rowI + i] = qni;
      if (gd) gd[rowI + i] = gdii;
      const pBase = (n - 1 - i) * n - i - 1; // packed slot of pair (i, j) is pBase + j
      for (let j = i + 1; j < n; j++) {
        const k = rowI + j;
        const pk = pBase + j;
        const th = theta[pk];
        const eps = PI - th;
        // s = sin²(θ/2), c = cos²(θ/2) = 1 − s, sn = sin θ. The stored s is relatively accurate, but for
        // θ near π its complement 1 − s is not (and √(1 − s) would make sin θ wrong by √u): there, take
        // them from ε = π − θ, which is absolutely accurate.
        let s: number, c: number, sn: number;
        if (th <= HALF_PI) {
          s = s2[pk];
          c = 1 - s;
          sn = 2 * Math.sqrt(s * c);
        } else {
          const h = Math.sin(0.5 * eps);
          c = h * h;
          s = 1 - c;
          sn = Math.sin(eps);
        }
        const cs = c - s;
        let gT: number, gE: number;
        if (th < 1) {
          gT = sinMinusThetaCosSmall(th);
        } else {
          gT = sn - th * cs;
        }
        if (eps < 1) {
          gE = sinMinusThetaCosSmall(eps);
        } else {
          gE = sn + eps * cs;
        }
        const J = (p * gE - m2 * gT) * INV_TWO_PI;
        const rj = r[j];
        const qj = q[j];
        const rr = ri * rj;
        const Gn = W2 * rr * J + B2;
        const Gd = qi > 0 && qj > 0 ? W2 * (p * eps + m2 * th) * INV_TWO_PI : 0;
        K[k] = K[k] * Gd + Gn;
        G[k] = Gn;
        if (gd) gd[k] = Gd;
        // next angle — not after the last layer (nothing reads it; mirrorUpper overwrites it)
        if (l === L) continue;
        const fT = PI * 2 * s - gT;
        let kmJ: number, kpJ: number;
        if (abNonNeg) {
          kmJ = (p * fT + m2 * gT) * INV_TWO_PI;
          const fE = PI * 2 * c - gE;
          kpJ = (PI * amb2 + p * gE + m2 * fE) * INV_TWO_PI;
        } else {
          const hT = th <= PI / 2 ? PI * 2 * s - 2 * gT : PI * 2 * c - 2 * gE;
          kmJ = (dm2 * fT - m2 * hT) * INV_TWO_PI;
          kpJ = (p * (PI + gE) - m2 * gT) * INV_TWO_PI;
        }
        let M = 0;
        if (B2 > 0) {
          // D = √q'_i·√q'_j and M = ((A·(B²/den))·dr)·dr in this order: the hypothesis of the underflow terms of
          // limitingErrorCoefficients (for q beyond ≈ 2^±500, q'_i q'_j and A·B²·dr under- or overflow).
          const D = rn[i] * rn[j];
          const dr = ri - rj;
          M = A * (B2 / (D + A * rr + B2)) * dr * dr;
        }
        const nm = M + W2 * rr * kmJ;
        const np = M + 2 * B2 + W2 * rr * kpJ;
        const tot = nm + np;
        if (tot > 0) {
          theta[pk] = halfAngleFromPair(nm, np);
          s2[pk] = nm / tot;
        } else {
          theta[pk] = PI / 2;
          s2[pk] = 0.5;
        }
      }
    }
    q = qn.slice();
    if (!direct) {
      let qMin = Infinity;
      for (let i = 0; i < n; i++) if (q[i] > 0 && q[i] < qMin) qMin = q[i];
      if (qMin < Infinity) qFloor = Math.min(qFloor, qMin / 2);
    }
    if (keep) {
      const gCopy = Float64Array.from(G);
      mirrorUpper(gCopy, n);
      mirrorUpper(gd!, n);
      layers.push({ nngp: { rows: n, cols: n, data: gCopy }, nngpDot: { rows: n, cols: n, data: gd! } });
    }
  }
  mirrorUpper(G, n);
  mirrorUpper(K, n);

  // ---- back to natural units (rescaled path only) ----------------------------------------------
  let log2Scale = 0;
  if (!direct) {
    const k = rowExp!;
    if (opts.rescale) {
      let top = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = K[i * n + i];
        if (v > 0) top = Math.max(top, S + 2 * k[i] + exponentOf(v));
      }
      log2Scale = top === -Infinity ? 0 : top;
    }
    const shift = S - log2Scale;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const t = i * n + j,
          sh = shift + k[i] + k[j];
        K[t] = ldexp(K[t], sh);
        G[t] = ldexp(G[t], sh);
      }
    if (keep) {
      layers.forEach((ly, li) => {
        const g = ly.nngp.data,
          dot = ly.nngpDot?.data;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            const t = i * n + j;
            g[t] = ldexp(g[t], layerScales[li] + k[i] + k[j]);
            if (dot) dot[t] = ldexp(dot[t], dotScales[li]);
          }
      });
    }
  }
  if (!allFinite(K) || !allFinite(G)) {
    throw new NumericalError('limitingKernels: kernel entries exceed the float64 range (call with { rescale: true } for a power-of-two-scaled result)');
  }

  const coef = limitingErrorCoefficients(res, d, qFloor);
  let trK = 0,
    trG = 0;
  for (let i = 0; i < n; i++) {
    trK += K[i * n + i];
    trG += G[i * n + i];
  }
  // rescaled path: + N·ETA for the final rounding of each entry (≤ ETA/2 each, Frobenius ≤ N·ETA/2)
  const mapped = (v: number) => (direct ? v : up(v + up(n * ETA)));
  const ntkErrorBound = mapped(up(coef.ntk * nonNegativeSumUpper(trK, n) * (1 + 2 * coef.ntk)));
  const nngpErrorBound = mapped(up(coef.nngp * nonNegativeSumUpper(trG, n) * (1 + 2 * coef.nngp)));

  const conventions: Record<string, string | number | boolean> = {
    parameterization: res.parameterization,
    activation: act.name,
    activationSlopePositive: asAbRelu(res.activationGiven).a,
    activationSlopeNegative: asAbRelu(res.activationGiven).b,
    activationDerivativeAtZero: 0,
    depth: L,
    firstLayer:
      res.parameterization === 'nmm'
        ? `G1 = ${constant(res.w2[0], res.w2f[0])}·XXᵀ`
        : `G1 = ${constant(res.w2[0], res.w2f[0])}·XXᵀ/${d} + ${constant(res.b2[0], res.b2f[0])}`,
    hiddenWeightVariance:
      L >= 2
        ? res.w2f
            .slice(1)
            .map((f) => givenConstant(f, res.slopeExp))
            .join(',')
        : '',
    biasVariance: res.b2[L - 1] ?? 0,
    cSigma: L >= 2 ? givenConstant(res.w2f[1], res.slopeExp) : 1,
    angleMethod: 'half-angle propagation (no acos of rounded cosines)',
    ntkRecursion: 'K(l) = K(l-1)∘Ġ(l) + G(l), K(1) = G(1)',
  };
  if (res.slopeExp !== 0)
    conventions.activationSlopeScale = `slopes evaluated as 2^${res.slopeExp}·(${a}, ${b}); 2^${2 * res.slopeExp} moved into the hidden weight variances`;
  if (!direct) conventions.evaluation = 'exact power-of-two rescaling (data or constants beyond 2^±600; limiting.ts)';
  const out: LimitingKernels = {
    nngp: { rows: n, cols: n, data: G },
    ntk: { rows: n, cols: n, data: K },
    nngpErrorBound,
    ntkErrorBound,
    entrywiseBound: { nngp: coef.nngp, ntk: coef.ntk, absolute: direct ? 0 : ETA }, // ≥ ETA/2 (not a double)
    log2Scale,
    conventions,
  };
  if (keep) out.layers = layers;
  return out;
}

/** A hidden-layer weight variance as the user gave it (the fold's factor without the slope scale 2^{2t}). */
function givenConstant(f: Pow2Factor, slopeExp: number): string | number {
  const g = scaledFactor(f, -2 * slopeExp);
  return constant(ldexp(g.m, g.e), g);
}

/** A constant for the conventions: the double itself, or m·2^e when the double under- or overflowed. */
function constant(v: number, f: Pow2Factor): string | number {
  if (v === 0 ? f.m === 0 : Number.isFinite(v) && v >= 2 ** -1022) return v;
  return `${f.m}·2^${f.e}`;
}

/**
 * The first layer of the rescaled evaluation (see limitingKernels): rows x1_i with natural
 * G^{(1)}_ij = 2^{S + k_i + k_j}·(x1_i·x1_j). Without biases each row gets its own exponent k_i (largest
 * entry of 2^{-k_i}x_i in [1, 2); zero rows k_i = 0); with biases one common exponent h (rows and the
 * bias column b·2^{−S/2−h}). c_1 = m·2^e is split as (m·2^{e mod 2})·2^{S}, S even, so that
 * √(c_1) = 2^{S/2}√(m·2^{e mod 2}) scales the rows exactly.
 */
function prescaledFirstLayer(x: Matrix, res: ResolvedArchitecture): { x1: Matrix; rowExp: Int32Array; S: number; biasShift: number } {
  const n = x.rows,
    d = x.cols;
  const f = res.firstScalef;
  const odd = f.e % 2 !== 0 ? 1 : 0;
  const S = f.e - odd;
  const mScale = f.m === 0 ? 0 : f.m * (odd ? 2 : 1); // ∈ [1, 4), exact
  const augmented = res.firstScale !== 1 || res.b2[0] > 0 || res.biased;
  const sc = Math.sqrt(mScale);
  const rowExp = new Int32Array(n);
  if (!res.biased) {
    const { data, exponents } = rowsToUnitRange(x.data, n, d);
    if (augmented) for (let t = 0; t < n * d; t++) data[t] = sc * data[t];
    return { x1: { rows: n, cols: d, data }, rowExp: exponents, S, biasShift: 0 };
  }
  const bs = res.b2f[0]; // b² = bs.m·2^bs.e; |b| = √(bs.m)·2^(bs.e/2) — take it from the factor of b² exactly
  // |b|·2^{−S/2}: b² = m_b·2^{e_b}; with e_b odd, (2m_b)·2^{e_b−1}
  const bOdd = bs.e % 2 !== 0 ? 1 : 0;
  const bRoot = Math.sqrt(bs.m * (bOdd ? 2 : 1)); // √ of the mantissa; ·2^{(e_b − bOdd)/2}
  const bExp = (bs.e - bOdd) / 2 - S / 2;
  let h = bs.m > 0 ? exponentOf(bRoot) + bExp : -Infinity;
  for (let t = 0; t < n * d; t++) if (x.data[t] !== 0) h = Math.max(h, exponentOf(x.data[t]));
  if (h === -Infinity) h = 0;
  const dd = d + 1;
  const data = new Float64Array(n * dd);
  const bb = ldexp(bRoot, bExp - h);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) data[i * dd + k] = sc * ldexp(x.data[i * d + k], -h);
    data[i * dd + d] = bb;
    rowExp[i] = h;
  }
  return { x1: { rows: n, cols: dd, data }, rowExp, S, biasShift: 2 * h };
}

function mirrorUpper(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j];
}
