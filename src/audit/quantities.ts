import { down, gram, up } from '../linalg/blas.ts';
import { interval, type Interval } from '../linalg/interval.ts';
import { gramEntryErrorBound, maxAbsOffDiagonal, rowNormsSquared } from '../linalg/gramStats.ts';
import { lambdaMinCertified } from '../linalg/lambdaMin.ts';
import { binaryScaleFactor, ETA, gamma, type Matrix, scaledCopy, UNIT_ROUNDOFF, zeros } from '../linalg/matrix.ts';
import { exponentOf, ldexp, rowsToUnitRange } from '../linalg/pow2.ts';
import { lambdaMaxCertified } from '../linalg/norm.ts';
import { sigmaMinCertified } from '../linalg/sigmaMin.ts';
import {
  type CertifiedEmpiricalNtk,
  empiricalNtkCertified,
  empiricalNtkLambdaMin,
  featureMatrixErrorBound,
  type ForwardEnclosure,
  forwardEnclosure,
} from '../ntk/empiricalNtkCertified.ts';
import { weightNormProductCertified } from '../ntk/lipschitzEstimate.ts';
import { hInfinityUnitNorm } from '../ntk/hInfinity.ts';
import { hInfinityFor } from '../ntk/hInfinityActivation.ts';
import { reluHermiteCoefficient } from '../ntk/hermite.ts';
import { type LimitingArchitecture, limitingKernels, type LimitingKernels } from '../ntk/limiting.ts';
import { initNetwork, type Network } from '../ntk/network.ts';
import { minPairDistance } from '../linalg/distances.ts';
import {
  type Bounds,
  inverseQuadraticFormOf,
  lambdaMaxOf,
  lambdaMinOf,
  linearCombination,
  ReadOnlyMatrix,
  solveOf,
  traceOf,
} from '../linalg/readOnlyMatrix.ts';
import { KernelRangeError, UserError } from '../errors.ts';
import { activationByName, type ActivationRecord } from '../ntk/activations/registry.ts';
import { drawLabels, type LabelSpec, worstKernelOf } from './labels.ts';

/**
 * The quantities a proposed bound may read, computed ON DEMAND and CACHED per instance.
 *
 * Conventions (seed paper: Nguyen, Mondelli, Montúfar 2021, arXiv 2012.11654):
 *   data X is N × d, one sample per row; depth L = number of weight matrices; hidden widths
 *   n_1..n_{L−1}; ReLU with σ'(0) = 0; NO biases; f_l = σ(W_lᵀ f_{l−1}), W_l entries N(0, β_l²) (other
 *   architectures: ARCHITECTURE below).
 *   Limiting kernels use c_σ = 2 (G^{(l)} = 2·E[σ(u)σ(v)], eq. (9)), G^{(1)} = XXᵀ:
 *     K^{(L)} = limiting NTK, G^{(L)} = limiting NNGP (src/ntk/limiting.ts, parameterisation 'nmm').
 *   Empirical NTK: (∏_{l=1}^{L−1} 2/n_l)·J Jᵀ of the finite network drawn from the instance's seed
 *   (same normalisation as K^{(L)}, so it → K^{(L)} as widths → ∞ for init 'standard'); for another activation
 *   record ∏ 1/(κ n_l), κ = E[σ(g)²], matching the 'nmm' limit with c_l = 1/κ. In the parameterisation 'ntk' (below)
 *   it is the NTK-parameterisation kernel K = Σ_l (s_l²F_{l−1}F_{l−1}ᵀ + b_std²·11ᵀ)∘(B_lB_lᵀ), s_l = 1/√n_{l−1}, the
 *   gradient with respect to the weights ω and the biases β (src/ntk/network.ts, src/ntk/empiricalNtk.ts), with no
 *   further normalisation ('jacobianGram' is the same matrix); it → limiting.ts's 'ntk' kernel as widths → ∞.
 *   H∞ (Du et al. 2019, arXiv 1810.02054, eq. (3)) is ALWAYS taken on the unit-normalised rows x_i/‖x_i‖ (its
 *   convention): H∞_ij = x_iᵀx_j·E_w[σ'(wᵀx_i)σ'(wᵀx_j)] with σ' of the instance's activation record.
 *   μ_r = r-th normalised Hermite coefficient E[σ(g)h_r(g)] of the instance's activation σ (ReLU: μ_0 = 1/√(2π),
 *   μ_1 = 1/2, μ_2 = 1/(2√π); docs/activations.md#hermite-coefficients).
 *
 * Every non-integer quantity comes with a rigorous enclosure [lower, upper] of its exact value for
 * the stored instance. A `Quantities` view returns, per quantity, its lower end, upper end or
 * midpoint, as chosen by the evaluator (defineBound.ts), and records which quantities were read —
 * that is how arithmetic done by the user on plain numbers gets an error bound (corner evaluation).
 * `q.interval(name)` returns the whole enclosure as an Interval (src/linalg/interval.ts) instead.
 *
 * Quantities (name — meaning — enclosure):
 *   N, d, L, widths, betas, init, X         exact (integers / the stored data); not tracked
 *   minNormSq, maxNormSq                     min/max_i ‖x_i‖²            relative γ_d + d·ETA (underflow); overflow: not certified
 *   minNorm, maxNorm                         min/max_i ‖x_i‖             from the above, √ rounded outward
 *   sumNormSq                                Σ_i ‖x_i‖² = tr(XXᵀ)        relative γ_{Nd+N} + (Nd+N)·ETA
 *   maxInnerProduct                          max_{i≠j} |x_iᵀx_j|         ± gramEntryErrorBound (0 when N = 1)
 *   maxCosine                                max_{i≠j} |cos ∠(x_i, x_j)| ± (γ_d + |cos|(γ_d + 4u) + 4d·ETA) on rows scaled
 *                                            exactly by powers of two into [1, 2), clipped to [0, 1]
 *   lambdaMinGram                            λ_min(XXᵀ)                  lambdaMinCertified, entry error N·(Gram bound)
 *   lambdaMinNTK, lambdaMaxNTK               λ_min / λ_max of K^{(L)}    certified, ‖ΔK‖₂ ≤ ntkErrorBound
 *   traceNTK                                 tr K^{(L)}                  ± N·ntkErrorBound
 *   lambdaMinNNGP                            λ_min(G^{(L)})              certified, ‖ΔG‖₂ ≤ nngpErrorBound
 *   lambdaMinEmpiricalNTK                    λ_min of the normalised empirical NTK of the stored data and weights;
 *                                            src/ntk/empiricalNtkCertified.ts bounds the forward and backward
 *                                            rounding (entrywise radii, gradual underflow included), units within
 *                                            rounding of their kink (both activation choices enclosed), the final
 *                                            Gram/Hadamard/sum rounding and the normalisation ∏ 2/n_l (∏ 1/(κ n_l))
 *   lambdaMinHInfinity                       λ_min(H∞(x/‖x‖))            certified (incl. the normalisation) for every activation
 *                                            record without bias (src/ntk/hInfinityActivation.ts); a zero sample: not certified
 *   sigmaMinF(k)                             σ_min(F_k), F_k the N × n_k features of layer k (0 ≤ k ≤ L−1, F_0 = X);
 *                                            entry error ‖F̂_k − F_k‖_F from the same forward radii (featureMatrixErrorBound)
 *   lipschitzBound(k)                        ∏_{l≤k} ‖W_l‖₂ (the naive upper bound on ‖g_k‖_Lip); certified bounds on each
 *                                            norm, the product rounded outward (down/up, so underflow is covered too)

 *   mu(r)                                    μ_r(σ), σ the instance's activation  ReLU: relative (2.5r + 4)u; others: the record's
 *                                            hermiteEnclosure (closed forms; tanh, sigmoid, softplus: certified quadrature, r ≤ 64)
 *   minDistance                              min_{i≠k} ‖x_i − x_k‖        src/linalg/distances.ts (relative 2u + γ_d, + ETA); +∞ when N = 1
 *   separation                               δ = min_{i≠k} min(‖x_i − x_k‖, ‖x_i + x_k‖) (antipodal pairs count as
 *                                            collinear: Karhadkar, Murray, Montúfar, arXiv 2405.14630); +∞ when N = 1
 *   norm2X                                   ‖X‖₂ = √λ_max(XXᵀ)            lambdaMaxCertified on the Gram matrix, √ rounded outward
 *
 * KERNELS (KernelName): 'gram' = XXᵀ = G^{(1)}, 'ntk' = K^{(L)}, 'nngp' = G^{(L)}, 'ntk(l)' = K^{(l)}, 'nngp(l)' =
 * G^{(l)} (1 ≤ l ≤ L; the limiting kernels of depth l, limiting.ts), 'hInfinity' = H∞(x/‖x‖), 'empiricalNTK' = the
 * normalised empirical NTK, 'jacobianGram' = JJᵀ of the finite network (unnormalised). Per kernel K (tracked):
 *   lambdaMin(K), lambdaMax(K), trace(K)     certified (Weyl with the kernel's ‖ΔK‖₂ bound; trace ± N·entry error)
 *   labelQuadForm(K)                          yᵀK⁻¹y for the instance's labels y (src/linalg/quadForm.ts: Cholesky
 *                                            solve, residual and ‖ΔK‖₂/λ_min² terms); [0, 0] for y = 0
 * q.matrix(K) is a ReadOnlyMatrix (src/linalg/readOnlyMatrix.ts: get(i, j), errorBound(i, j), no setter; a copy of
 * the cached kernel), and q.certified.{lambdaMin, lambdaMax, trace, quadForm, solve, combine} are rigorous helpers
 * for a user's own expression of such matrices (Intervals; combine gives a ReadOnlyMatrix with its error bound).
 *
 * LABELS: q.y (a fresh copy of y ∈ ℝ^N) and q.labelModel, when the instance space declares `labels`
 * (src/audit/labels.ts: 'rademacher', 'gaussian', 'teacher', 'worst-<kernel>', with a sign-flip noise fraction).
 * The labels are exact doubles of the instance: yᵀK⁻¹y's enclosure is for those doubles.
 *
 * ARCHITECTURE (instances.activation, instances.bias, instances.parameterization; docs/api.md#architectures): an
 * instance may name an activation record (src/ntk/activations/registry.ts), a bias standard deviation b_std and the
 * parameterisation ('nmm' above, or 'ntk' of neural-tangents with W_std = 1, src/ntk/limiting.ts). The limiting
 * kernels (lambdaMinNTK, lambdaMaxNTK, traceNTK, lambdaMinNNGP, 'ntk', 'nngp', 'ntk(l)', 'nngp(l)' and yᵀK⁻¹y of
 * those) are computed for that architecture, and so is H∞ (lambdaMinHInfinity, 'hInfinity': the instance's
 * activation, no bias, independent of the parameterisation; NOT CERTIFIED with b_std > 0, Du et al.'s network has no
 * bias). μ_r is the Hermite coefficient of the instance's activation (any bias or parameterisation). The finite network
 * is the instance's architecture: in 'ntk' g_l = s_l·F_{l−1}ω_l + b_std·β_l with s_l = 1/√n_{l−1} (W_std = 1), ω_l
 * the weights of the instance's init (bit for bit the 'nmm' W_l), β_l ~ N(0, I) (src/ntk/network.ts). Its quantities
 * (lambdaMinEmpiricalNTK, 'empiricalNTK', 'jacobianGram', sigmaMinF(k) for k ≥ 1) are certified for the records whose
 * rounding analysis exists (`certifiedFiniteNetwork`: ReLU, leaky ReLU, abs, identity, erf, tanh, sigmoid, gelu,
 * softplus: every record of the registry), in both parameterisations, with or without biases (finiteNetworkCertified);
 * for the smooth ones in 'nmm' the normalised kernel of a standard-initialised network is not close to K^{(L)} (σ is
 * not positively homogeneous). lipschitzBound(k) is ∏_{l≤k} ‖W_l‖₂ of the instance's network ('ntk': W_l = s_lω_l, the
 * real s_l enclosed). On any other record they are NOT CERTIFIED: their enclosure is [−∞, +∞] and such an instance is
 * inconclusive, never evaluated with a ReLU value. Exact fields: q.activation, q.bias, q.parameterization.
 *
 * NOT CERTIFIED → INFINITE. When a quantity of the finite network has no rigorous enclosure (an
 * intermediate overflows the double range, so the kernel, the features or a bound is ±∞), its
 * enclosure is [−∞, +∞] around the float estimate (0 when there is none): every corner evaluation of
 * a side that reads it is then ±∞ or NaN, its error infinite, and the instance inconclusive — never
 * violated.
 */

export interface Enclosure {
  lower: number;
  upper: number;
  mid: number;
}

export interface AuditInstance {
  x: Matrix;
  depth: number;
  /** n_1..n_{L−1}. */
  widths: number[];
  init: 'standard' | 'he' | 'lecun';
  /** Seed of the finite network (empirical NTK, F_k, Lipschitz). */
  netSeed: string;
  /** Where the data came from (family, 'mnist', 'iris', 'file') and their normalisation. */
  data: string;
  normalize: string;
  /** The label model (absent: the instance has no labels). Labels are drawn from it and netSeed (labels.ts). */
  labels?: LabelSpec;
  /** Activation name of src/ntk/activations/registry.ts (absent: 'relu'). */
  activation?: string;
  /** Bias standard deviation b_std ≥ 0 (absent: 0; > 0 needs parameterization 'ntk'). */
  bias?: number;
  /** Parameterisation of the limiting kernels (absent: 'nmm'; 'ntk' with W_std = 1, src/ntk/limiting.ts). */
  parameterization?: 'nmm' | 'ntk';
  /** Engine results, filled on demand. Not serialised. */
  cache?: Map<string, unknown>;
}

export type Corner = 'lower' | 'upper' | 'mid';

export interface Quantities {
  /** Number of samples. */
  readonly N: number;
  /** Input dimension. */
  readonly d: number;
  /** Depth = number of weight matrices. */
  readonly L: number;
  /** Hidden widths n_1..n_{L−1}. */
  readonly widths: readonly number[];
  /** Weight standard deviations β_1..β_L of the finite network. */
  readonly betas: readonly number[];
  readonly init: string;
  /** The activation of the instance ('relu' unless the space declares instances.activation). Exact; not tracked. */
  readonly activation: string;
  /** The bias standard deviation b_std (0 unless the space declares instances.bias). Exact; not tracked. */
  readonly bias: number;
  /** 'nmm' (Nguyen–Mondelli–Montúfar, c_σ = 2 for ReLU) or 'ntk' (neural-tangents, W_std = 1). Exact; not tracked. */
  readonly parameterization: 'nmm' | 'ntk';
  /** The data (N × d, row-major). Read-only: do not modify. Not tracked for error bounds. */
  readonly X: Matrix;
  readonly minNormSq: number;
  readonly maxNormSq: number;
  readonly minNorm: number;
  readonly maxNorm: number;
  readonly sumNormSq: number;
  readonly maxInnerProduct: number;
  readonly maxCosine: number;
  readonly lambdaMinGram: number;
  readonly lambdaMinNTK: number;
  readonly lambdaMaxNTK: number;
  readonly traceNTK: number;
  readonly lambdaMinNNGP: number;
  readonly lambdaMinEmpiricalNTK: number;
  readonly lambdaMinHInfinity: number;
  sigmaMinF(k: number): number;
  lipschitzBound(k: number): number;
  mu(r: number): number;
  readonly minDistance: number;
  readonly separation: number;
  readonly norm2X: number;
  /** λ_min of a kernel (see KernelName). */
  lambdaMin(kernel: KernelName): number;
  lambdaMax(kernel: KernelName): number;
  trace(kernel: KernelName): number;
  /** yᵀK⁻¹y for the instance's labels y. */
  labelQuadForm(kernel: KernelName): number;
  /** The labels y (a fresh copy; not tracked: they are exact doubles of the instance). */
  readonly y: Float64Array;
  /** The label model, e.g. 'teacher' or 'rademacher' (with ' + noise p' when p > 0). */
  readonly labelModel: string;
  /** The computed kernel as a read-only matrix with its error bound. */
  matrix(kernel: KernelName): ReadOnlyMatrix;
  /** Rigorous helpers for expressions of read-only matrices (enclosures as Intervals). */
  readonly certified: CertifiedHelpers;
  /**
   * The rigorous enclosure of a quantity as an Interval (src/linalg/interval.ts), for sides written
   * with enclosure arithmetic: a tracked quantity by name ('lambdaMinNTK', 'sigmaMinF(1)', 'mu(2)',
   * …) or one of the exact integers 'N', 'd', 'L'. Reading it does not take part in the corner
   * evaluation (the interval already covers the whole enclosure).
   */
  interval(name: QuantityName): Interval;
}

/** Names accepted by `q.interval`. */
export type QuantityName =
  | ScalarQuantity
  | 'N'
  | 'd'
  | 'L'
  | `sigmaMinF(${number})`
  | `lipschitzBound(${number})`
  | `mu(${number})`
  | `${KernelFunction}(${KernelName})`;

/** The kernels a bound may read (module comment, KERNELS). */
export type KernelName = 'gram' | 'ntk' | 'nngp' | 'hInfinity' | 'empiricalNTK' | 'jacobianGram' | `ntk(${number})` | `nngp(${number})`;
export const KERNEL_FUNCTIONS = ['lambdaMin', 'lambdaMax', 'trace', 'labelQuadForm'] as const;
export type KernelFunction = (typeof KERNEL_FUNCTIONS)[number];

export interface CertifiedHelpers {
  lambdaMin(m: ReadOnlyMatrix): Interval;
  lambdaMax(m: ReadOnlyMatrix): Interval;
  trace(m: ReadOnlyMatrix): Interval;
  /** yᵀM⁻¹y (y taken as exact). */
  quadForm(m: ReadOnlyMatrix, y: ArrayLike<number>): Interval;
  /** x̂ ≈ M⁻¹b with ‖x̂ − M⁻¹b‖₂ ≤ errorBound. */
  solve(m: ReadOnlyMatrix, b: ArrayLike<number>): { x: Float64Array; errorBound: number };
  /** Σ c_k M_k with its error bound. */
  combine(terms: readonly (readonly [number, ReadOnlyMatrix])[]): ReadOnlyMatrix;
}

/** Names of the tracked scalar quantities (getters). */
export const SCALAR_QUANTITIES = [
  'minNormSq',
  'maxNormSq',
  'minNorm',
  'maxNorm',
  'sumNormSq',
  'maxInnerProduct',
  'maxCosine',
  'lambdaMinGram',
  'lambdaMinNTK',
  'lambdaMaxNTK',
  'traceNTK',
  'lambdaMinNNGP',
  'lambdaMinEmpiricalNTK',
  'lambdaMinHInfinity',
  'minDistance',
  'separation',
  'norm2X',
] as const;
export type ScalarQuantity = (typeof SCALAR_QUANTITIES)[number];

const enc = (lower: number, upper: number): Enclosure => ({ lower, upper, mid: 0.5 * lower + 0.5 * upper });
const around = (v: number, e: number): Enclosure => ({ lower: down(v - e), upper: up(v + e), mid: v });
const relEnc = (v: number, rel: number): Enclosure => around(v, Math.abs(v) * rel * (1 + 1e-9) + Number.MIN_VALUE);

function cached<T>(inst: AuditInstance, key: string, f: () => T): T {
  inst.cache ??= new Map();
  if (inst.cache.has(key)) return inst.cache.get(key) as T;
  const v = f();
  inst.cache.set(key, v);
  return v;
}

function limiting(inst: AuditInstance): LimitingKernels {
  return cached(inst, 'limiting', () => limitingKernels(inst.x, limitingArchitecture(inst, inst.depth)));
}

/** The activation record of an instance (ReLU when it names none). */
export function activationOf(inst: AuditInstance): ActivationRecord {
  return activationByName(inst.activation ?? 'relu');
}

/** The parameterisation fields shared by the limiting and the finite architecture: 'ntk' with W_std = 1, b_std = bias. */
function parameterizationOf(inst: AuditInstance): { parameterization?: 'ntk'; wStd?: number; bStd?: number } {
  return inst.parameterization === 'ntk' ? { parameterization: 'ntk', wStd: 1, bStd: inst.bias ?? 0 } : {};
}

/** The limiting architecture of depth l of an instance (its activation, bias and parameterisation). */
export function limitingArchitecture(inst: AuditInstance, l: number): LimitingArchitecture {
  const plain = inst.activation === undefined || activationByName(inst.activation).name === 'relu';
  return {
    depth: l,
    ...(plain ? {} : { activation: activationOf(inst) }),
    ...parameterizationOf(inst),
  };
}

/**
 * Whether the instance is the ReLU network without biases in the 'nmm' convention (the 50-digit oracle of
 * highPrecision.ts takes its limiting kernels from the closed form of Nguyen–Mondelli–Montúfar, arXiv 2012.11654
 * eqs. (9)–(10); module comment, ARCHITECTURE).
 */
export function isPlainRelu(inst: AuditInstance): boolean {
  return (inst.activation === undefined || activationByName(inst.activation).name === 'relu') && !(inst.bias! > 0) && inst.parameterization !== 'ntk';
}

/**
 * Whether the finite network of the instance is covered by the rounding analysis of src/ntk/empiricalNtkCertified.ts:
 * an activation record with `certifiedFiniteNetwork` (the (a,b)-ReLU family and the smooth records with enclose), in
 * either parameterisation, with or without biases.
 */
export function finiteNetworkCertified(inst: AuditInstance): boolean {
  return activationOf(inst).certifiedFiniteNetwork;
}

/**
 * The finite network of the instance: its activation record and parameterisation ('ntk': W_std = 1, b_std = bias,
 * biases from childRng(seed, 'b', l); network.ts). The weights W_l ('ntk': ω_l) depend on the seed, widths and init only.
 */
function network(inst: AuditInstance): Network {
  return cached(inst, 'network', () => {
    const act = activationOf(inst);
    return initNetwork(
      { inputDim: inst.x.cols, widths: inst.widths, init: inst.init, ...(act.name === 'relu' ? {} : { activation: act }), ...parameterizationOf(inst) },
      inst.netSeed,
    );
  });
}

/** The normalised empirical NTK with its rigorous error bound (src/ntk/empiricalNtkCertified.ts). */
function empiricalCertified(inst: AuditInstance): CertifiedEmpiricalNtk {
  return cached(inst, 'empiricalCertified', () => empiricalNtkCertified(network(inst), inst.x, { normalize: true }));
}

/** Forward pass of the finite network with entrywise rounding radii (shared with the empirical NTK). */
function forwardEnc(inst: AuditInstance): ForwardEnclosure {
  return cached(inst, 'forwardEnclosure', () => {
    const net = network(inst);
    // a record outside the rounding analysis: layer 0 (F_0 = X, radius 0) is all sigmaMinF(0) reads, and layers ≥ 1
    // are not certified (sigmaMinFEnclosure), so the ReLU network of the same weights stands in
    return forwardEnclosure(activationOf(inst).certifiedFiniteNetwork ? net : { ...net, arch: { ...net.arch, activation: undefined } }, inst.x);
  });
}

/** The enclosure of a quantity that is not certified: no verdict can rest on it (module comment). */
const uncertified = (estimate: number): Enclosure => ({ lower: -Infinity, upper: Infinity, mid: Number.isFinite(estimate) ? estimate : 0 });

function normsSq(inst: AuditInstance): Float64Array {
  return cached(inst, 'normsSq', () => rowNormsSquared(inst.x));
}

const sqrtEnc = (e: Enclosure): Enclosure =>
  enc(down(Math.sqrt(Math.max(0, e.lower)) * (1 - 2 * UNIT_ROUNDOFF)), up(Math.sqrt(Math.max(0, e.upper)) * (1 + 2 * UNIT_ROUNDOFF)));

const lam = (r: { lower: number; upper: number }): Enclosure => enc(r.lower, r.upper);

/**
 * A sum of k products computed in floating point: |computed − exact| ≤ γ_k·|value| + k·ETA (Higham,
 * "Accuracy and Stability", eq. 3.5 for the relative part; each product may underflow, losing at most
 * ETA/2, and sums in the subnormal range are exact). An overflowed value is not certified.
 */
const sumOfProductsEnc = (v: number, k: number): Enclosure =>
  Number.isFinite(v) ? around(v, up(Math.abs(v) * gamma(k) * (1 + 1e-9) + k * ETA)) : uncertified(v);

/**
 * X with each row multiplied by a power of two that brings its largest |entry| into [1, 2): exact
 * (scaling by 2^k only changes exponents) unless an entry leaves the normal range, and directions —
 * all that cosines and H∞ on unit-normalised rows depend on — are unchanged. null when a row's entries
 * span so many binades that an entry would underflow (then its direction is not exactly preserved).
 */
function rowsScaledToUnitRange(x: Matrix): Matrix | null {
  const r = rowsToUnitRange(x.data, x.rows, x.cols);
  return r.exact ? { rows: x.rows, cols: x.cols, data: r.data } : null;
}

/** rowsScaledToUnitRange, cached; identical to X when every row is already in a safe range. */
function directionRows(inst: AuditInstance): Matrix | null {
  return cached(inst, 'directionRows', () => rowsScaledToUnitRange(inst.x));
}

const SCALARS: Record<ScalarQuantity, (inst: AuditInstance) => Enclosure> = {
  minNormSq: (i) => sumOfProductsEnc(Math.min(...normsSq(i)), i.x.cols),
  maxNormSq: (i) => sumOfProductsEnc(Math.max(...normsSq(i)), i.x.cols),
  minNorm: (i) => sqrtEnc(scalar(i, 'minNormSq')),
  maxNorm: (i) => sqrtEnc(scalar(i, 'maxNormSq')),
  sumNormSq: (i) =>
    sumOfProductsEnc(
      normsSq(i).reduce((a, b) => a + b, 0),
      i.x.cols * i.x.rows + i.x.rows,
    ),
  maxInnerProduct: (i) => {
    if (i.x.rows < 2) return enc(0, 0);
    const g = cached(i, 'gram', () => gram(i.x));
    const v = maxAbsOffDiagonal(g).value;
    const e = gramEntryErrorBound(i.x);
    // an inner product or ‖x_i‖² beyond the double range: ±∞/NaN entries, no finite enclosure
    if (!g.data.every(Number.isFinite) || !(e <= Number.MAX_VALUE)) return uncertified(NaN);
    return { lower: Math.max(0, down(v - e)), upper: up(v + e), mid: v };
  },
  maxCosine: (i) => {
    const n = i.x.rows,
      d = i.x.cols;
    if (n < 2) return enc(0, 0);
    // Cosines depend on directions only: computed on rows scaled into [1, 2) (no under- or overflow).
    const xs = directionRows(i);
    if (!xs) return uncertified(NaN);
    const g = gram(xs).data;
    const ns = rowNormsSquared(xs);
    let best = 0;
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++) {
        const den = Math.sqrt(ns[a] * ns[b]);
        const c = den > 0 ? Math.abs(g[a * n + b]) / den : 0;
        if (c > best) best = c;
      }
    const gd = gamma(d);
    // Rows have max |entry| ≥ 1, so the d·ETA underflow terms of the products are below 4·d·ETA relative.
    const e = (gd + best * (gd + 4 * UNIT_ROUNDOFF)) * 1.01 + 4 * d * ETA;
    return { lower: Math.max(0, down(best - e)), upper: Math.min(1, up(best + e)), mid: best };
  },
  lambdaMinGram: (i) => {
    const g = cached(i, 'gram', () => gram(i.x));
    const e = up(i.x.rows * gramEntryErrorBound(i.x));
    // XXᵀ beyond the double range (an entry ±∞ or NaN): not certified (module comment)
    if (!g.data.every(Number.isFinite) || !(e <= Number.MAX_VALUE)) return uncertified(NaN);
    return lam(lambdaMinCertified(g, { entryError: e }));
  },
  // The limiting kernels throw NumericalError when an entry exceeds the double range (src/ntk/limiting.ts):
  // such a kernel has no finite enclosure, so its quantities are not certified, as for kernelMatrix.
  lambdaMinNTK: (i) => {
    const k = limitingSafe(i, i.depth);
    return k ? lam(lambdaMinCertified(k.ntk, { entryError: k.ntkErrorBound })) : uncertified(NaN);
  },
  lambdaMaxNTK: (i) => {
    const k = limitingSafe(i, i.depth);
    return k ? lam(lambdaMaxCertified(k.ntk, { entryError: k.ntkErrorBound })) : uncertified(NaN);
  },
  traceNTK: (i) => {
    const k = limitingSafe(i, i.depth);
    if (!k) return uncertified(NaN);
    const n = k.ntk.rows;
    let t = 0;
    for (let a = 0; a < n; a++) t += k.ntk.data[a * n + a];
    const e = up(n * k.ntkErrorBound + gamma(n) * Math.abs(t));
    return Number.isFinite(t) && e <= Number.MAX_VALUE ? around(t, e) : uncertified(t);
  },
  lambdaMinNNGP: (i) => {
    const k = limitingSafe(i, i.depth);
    return k ? lam(lambdaMinCertified(k.nngp, { entryError: k.nngpErrorBound })) : uncertified(NaN);
  },
  lambdaMinEmpiricalNTK: (i) => {
    if (!finiteNetworkCertified(i)) return uncertified(NaN);
    const lm = empiricalNtkLambdaMin(empiricalCertified(i));
    return lm.certified ? lam(lm) : uncertified(lm.estimate);
  },
  lambdaMinHInfinity: (i) => {
    const h = hInfinityOf(i);
    if (!h) return uncertified(NaN);
    return lam(lambdaMinCertified(h.matrix, { entryError: h.errorBound }));
  },
  minDistance: (i) => distEnc(minPairDistance(i.x, false)),
  separation: (i) => distEnc(minPairDistance(i.x, true)),
  norm2X: (i) => {
    const g = cached(i, 'gram', () => gram(i.x));
    if (!g.data.every(Number.isFinite)) return uncertified(NaN);
    const r = lambdaMaxCertified(g, { entryError: up(i.x.rows * gramEntryErrorBound(i.x)) });
    return sqrtEnc(enc(r.lower, r.upper));
  },
};

/** A minimum distance (distances.ts): +∞ without pairs; an upper end of +∞ is an enclosure, not a certified value. */
const distEnc = (r: { lower: number; upper: number; value: number }): Enclosure =>
  r.upper === Infinity && r.lower === Infinity
    ? { lower: Infinity, upper: Infinity, mid: Infinity }
    : r.upper <= Number.MAX_VALUE
      ? { lower: r.lower, upper: r.upper, mid: r.value }
      : { lower: r.lower, upper: Infinity, mid: Number.isFinite(r.value) ? r.value : r.lower };

/**
 * H∞ on the unit-normalised rows with its ‖ΔH‖₂ bound, for the instance's activation record (hInfinityActivation.ts;
 * ReLU: hInfinity.ts); null (not certified) with a bias (Du et al.'s network has none), when the rows cannot be scaled
 * exactly or a sample is zero.
 */
function hInfinityOf(i: AuditInstance): { matrix: Matrix; errorBound: number } | null {
  return cached(i, 'hInfinity', () => {
    if (i.bias! > 0) return null;
    // H∞ is taken on unit-normalised rows: first scaled exactly into [1, 2) (so ‖x_i‖² neither under- nor overflows).
    const scaled = directionRows(i);
    if (!scaled) return null;
    const act = activationOf(i);
    if (act.name !== 'relu') {
      for (let a = 0; a < scaled.rows; a++) if (!scaled.data.subarray(a * scaled.cols, (a + 1) * scaled.cols).some((v) => v !== 0)) return null;
      try {
        return hInfinityFor(scaled, act, { unitNorm: true });
      } catch (e) {
        // KernelRangeError cannot occur on unit-normalised rows; kept as "not certified" rather than an exception
        if (e instanceof UserError) return null;
        throw e;
      }
    }
    const xs = zeros(i.x.rows, i.x.cols);
    xs.data.set(scaled.data);
    const d = i.x.cols;
    for (let a = 0; a < xs.rows; a++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += xs.data[a * d + k] ** 2;
      // a zero sample has no direction x/‖x‖: H∞ of the data is undefined, hence not certified
      if (!(s > 0)) return null;
      const r = 1 / Math.sqrt(s);
      for (let k = 0; k < d; k++) xs.data[a * d + k] *= r;
    }
    return hInfinityUnitNorm(xs);
  });
}

// ------------------------------------------------------------------------------------------------
// Kernels, per-layer kernels, labels

const KERNEL_RE = /^(gram|ntk|nngp|hInfinity|empiricalNTK|jacobianGram|ntk\((\d+)\)|nngp\((\d+)\))$/;

/** The kernel behind a KernelName, as a ReadOnlyMatrix (cached per instance; spectralError = +∞ when not certified). */
export function kernelMatrix(inst: AuditInstance, name: string): ReadOnlyMatrix {
  const m = typeof name === 'string' ? KERNEL_RE.exec(name) : null;
  if (!m)
    throw new RangeError(
      `unknown kernel ${JSON.stringify(name)} (known: gram, ntk, nngp, ntk(l), nngp(l) for 1 ≤ l ≤ L, hInfinity, empiricalNTK, jacobianGram)`,
    );
  const layer = m[2] ?? m[3];
  if (layer !== undefined) checkIndex(Number(layer), 1, inst.depth, `${name}: l`);
  const key = layer !== undefined && Number(layer) === inst.depth ? name.replace(/\(\d+\)$/, '') : name;
  return cached(inst, `matrix:${key}`, () => {
    const notCertified = (mat: Matrix | null) =>
      new ReadOnlyMatrix(mat ?? { rows: inst.x.rows, cols: inst.x.rows, data: new Float64Array(inst.x.rows ** 2).fill(NaN) }, Infinity, key);
    switch (key) {
      case 'gram': {
        const g = cached(inst, 'gram', () => gram(inst.x));
        const e = gramEntryErrorBound(inst.x);
        return new ReadOnlyMatrix(g, up(inst.x.rows * e), key, e);
      }
      case 'ntk':
      case 'nngp': {
        const k = limitingSafe(inst, inst.depth);
        if (!k) return notCertified(null);
        return key === 'ntk' ? new ReadOnlyMatrix(k.ntk, k.ntkErrorBound, key) : new ReadOnlyMatrix(k.nngp, k.nngpErrorBound, key);
      }
      case 'hInfinity': {
        const h = hInfinityOf(inst);
        return h ? new ReadOnlyMatrix(h.matrix, h.errorBound, key) : notCertified(null);
      }
      case 'empiricalNTK':
      case 'jacobianGram': {
        if (!finiteNetworkCertified(inst)) return notCertified(null);
        const r =
          key === 'empiricalNTK'
            ? empiricalCertified(inst)
            : cached(inst, 'jacobianGram', () => empiricalNtkCertified(network(inst), inst.x, { normalize: false }));
        return new ReadOnlyMatrix(r.ntk, r.certified ? r.errorBound : Infinity, key);
      }
      default: {
        const k = limitingSafe(inst, Number(layer));
        if (!k) return notCertified(null);
        return m[2] !== undefined ? new ReadOnlyMatrix(k.ntk, k.ntkErrorBound, key) : new ReadOnlyMatrix(k.nngp, k.nngpErrorBound, key);
      }
    }
  });
}

/** The limiting kernels of depth l (l = L: the instance's), or null when they overflow the double range. */
function limitingSafe(inst: AuditInstance, l: number): LimitingKernels | null {
  try {
    return l === inst.depth ? limiting(inst) : cached(inst, `limiting(${l})`, () => limitingKernels(inst.x, limitingArchitecture(inst, l)));
  } catch (e) {
    // NumericalError: the (a,b)-ReLU fold overflows; KernelRangeError: the smooth fold leaves its range (limitingSmooth.ts)
    if ((e instanceof Error && e.name === 'NumericalError') || e instanceof KernelRangeError) return null;
    throw e;
  }
}

/** The labels of the instance (drawn once, cached); a UserError when the instance space declares none. */
export function labelsOf(inst: AuditInstance): Float64Array {
  if (!inst.labels) throw new UserError("q.y / labelQuadForm: this bound's instances have no labels (declare instances.labels, docs/conventions.md#labels)");
  const spec = inst.labels;
  return cached(inst, 'labels', () =>
    drawLabels(inst.x, inst.netSeed, spec, () => {
      const name = worstKernelOf(spec.model)!;
      const k = kernelMatrix(inst, name);
      if (k.certified) return k.toMatrix();
      // The kernel overflows the double range. gram, ntk and nngp ((a,b)-ReLU, no biases) are positively homogeneous
      // of degree 2 in X and H∞ is taken on x/‖x‖, so X·2^-e has the same eigenvectors (2^e ≤ max|x_ij| < 2^(e+1));
      // their kernel is computed instead. Still not finite (or an underflowed, all-zero X): NaN labels, so every
      // quantity that reads them is not certified.
      // Other kernels (smooth activations, biases) are not homogeneous: no rescaled substitute, NaN labels.
      if (!(name === 'gram' || name === 'hInfinity' || (activationOf(inst).kind === 'ab-relu' && !(inst.bias! > 0)))) return null;
      let m = 0;
      for (const v of inst.x.data) m = Math.max(m, Math.abs(v));
      if (!(m > 0 && m <= Number.MAX_VALUE)) return null;
      const e = exponentOf(m);
      const x = { rows: inst.x.rows, cols: inst.x.cols, data: inst.x.data.map((v) => ldexp(v, -e)) };
      const ks = kernelMatrix({ ...inst, x, cache: new Map() }, name);
      return ks.certified ? ks.toMatrix() : null;
    }),
  );
}

const boundsEnc = (b: Bounds): Enclosure =>
  b.lower === -Infinity && b.upper === Infinity
    ? uncertified(b.estimate)
    : { lower: b.lower, upper: b.upper, mid: Math.min(Math.max(b.estimate, b.lower), b.upper) };

/** Enclosure of a kernel function ('lambdaMin', 'lambdaMax', 'trace', 'labelQuadForm') of a kernel. */
export function kernelFunctionEnclosure(inst: AuditInstance, fn: KernelFunction, name: string): Enclosure {
  return cached(inst, `q:${fn}(${name})`, () => {
    const k = kernelMatrix(inst, name);
    if (fn === 'labelQuadForm') {
      const y = labelsOf(inst);
      if (!y.every(Number.isFinite)) return uncertified(NaN);
      return boundsEnc(inverseQuadraticFormOf(k, y));
    }
    if (name === 'empiricalNTK' && fn === 'lambdaMin') return scalar(inst, 'lambdaMinEmpiricalNTK');
    return boundsEnc(fn === 'lambdaMin' ? lambdaMinOf(k) : fn === 'lambdaMax' ? lambdaMaxOf(k) : traceOf(k));
  });
}

const KERNEL_KEY_RE = /^(lambdaMin|lambdaMax|trace|labelQuadForm)\((.+)\)$/;

const intervalOfBounds = (b: Bounds): Interval => interval(b.lower, b.upper);

/** The certified helpers of a view (engine routines of src/linalg/readOnlyMatrix.ts). */
export const CERTIFIED_HELPERS: CertifiedHelpers = Object.freeze({
  lambdaMin: (m: ReadOnlyMatrix) => intervalOfBounds(lambdaMinOf(asReadOnly(m))),
  lambdaMax: (m: ReadOnlyMatrix) => intervalOfBounds(lambdaMaxOf(asReadOnly(m))),
  trace: (m: ReadOnlyMatrix) => intervalOfBounds(traceOf(asReadOnly(m))),
  quadForm: (m: ReadOnlyMatrix, y: ArrayLike<number>) => intervalOfBounds(inverseQuadraticFormOf(asReadOnly(m), y)),
  solve: (m: ReadOnlyMatrix, b: ArrayLike<number>) => solveOf(asReadOnly(m), b),
  combine: (terms: readonly (readonly [number, ReadOnlyMatrix])[]) => linearCombination(terms),
});

function asReadOnly(m: unknown): ReadOnlyMatrix {
  if (!(m instanceof ReadOnlyMatrix)) throw new RangeError('q.certified: expected a matrix from q.matrix(…) or q.certified.combine(…)');
  return m;
}

export function scalar(inst: AuditInstance, name: ScalarQuantity): Enclosure {
  return cached(inst, `q:${name}`, () => SCALARS[name](inst));
}

function checkIndex(v: number, lo: number, hi: number, what: string): void {
  if (!(Number.isInteger(v) && v >= lo && v <= hi)) throw new RangeError(`${what} must be an integer in [${lo}, ${hi}], got ${v}`);
}

export function sigmaMinFEnclosure(inst: AuditInstance, k: number): Enclosure {
  checkIndex(k, 0, inst.depth - 1, 'sigmaMinF(k): k');
  return cached(inst, `q:sigmaMinF(${k})`, () => {
    if (k > 0 && !finiteNetworkCertified(inst)) return uncertified(NaN);
    const fe = forwardEnc(inst);
    const f = fe.fwd.features[k];
    const e = featureMatrixErrorBound(fe, k);
    if (!(e <= Number.MAX_VALUE) || !f.data.every(Number.isFinite)) return uncertified(NaN);
    // sigmaMinCertified inverts a triangular factor: prescale F̂ by a power of two p (σ_min(pF) = pσ_min(F));
    // exact except for entries that become subnormal when p < 1, ≤ ETA/2 each (√(N n_k)·ETA in ‖·‖_F).
    const p = binaryScaleFactor(f);
    if (p === 1) return lam(sigmaMinCertified(f, { entryError: e }));
    const ep = up(up(e * p) + (p < 1 ? up(Math.sqrt(f.data.length) * ETA) : 0));
    if (!(ep <= Number.MAX_VALUE)) return uncertified(NaN);
    const r = sigmaMinCertified(scaledCopy(f, p), { entryError: ep });
    // σ_min/p beyond the largest double: the exact value is at least Number.MAX_VALUE (down(∞) would be NaN)
    const lo = r.lower / p;
    return enc(lo === Infinity ? Number.MAX_VALUE : Math.max(0, down(lo)), up(r.upper / p));
  });
}

export function lipschitzEnclosure(inst: AuditInstance, k: number): Enclosure {
  checkIndex(k, 1, inst.depth, 'lipschitzBound(k): k');
  return cached(inst, `q:lipschitzBound(${k})`, () => {
    // ∏ ‖W_l‖₂ ('ntk': W_l = s_lω_l with the real s_l enclosed), norms and products rounded outward
    const { lower, upper } = weightNormProductCertified(network(inst), k);
    return enc(lower, upper);
  });
}

/**
 * μ_r(σ), the r-th normalised Hermite coefficient of the activation σ (absent: ReLU, whose enclosure is the closed
 * form of src/ntk/hermite.ts with its relative rounding bound); every other record's `hermiteEnclosure`
 * (src/ntk/activations/hermiteCoefficients.ts: closed forms, or a certified quadrature for r ≤ 64 and Parseval's bound
 * beyond).
 */
export function muEnclosure(r: number, act?: ActivationRecord): Enclosure {
  checkIndex(r, 0, 10_000, 'mu(r): r');
  if (act === undefined || act.name === 'relu') return relEnc(reluHermiteCoefficient(r), (2.5 * r + 4) * UNIT_ROUNDOFF);
  const e = act.hermiteEnclosure(r);
  return { lower: e.lo, upper: e.hi, mid: e.mid };
}

/** μ_r of the instance's activation record (independent of the bias and of the parameterisation). */
export function muEnclosureOf(inst: AuditInstance, r: number): Enclosure {
  checkIndex(r, 0, 10_000, 'mu(r): r');
  return cached(inst, `q:mu(${r})`, () => muEnclosure(r, activationOf(inst)));
}

/** Which end of each tracked quantity a view returns (default: the midpoint). */
export type CornerChoice = (key: string) => Corner;

/** Options of a view used by the rounding-sensitivity estimate of defineBound.ts. */
export interface ViewOptions {
  /** Makes the data matrix returned as q.X (a perturbed copy, on first read); the engine quantities still come from `inst`. */
  x?: () => Matrix;
  /** Maps the value chosen for a tracked quantity (e.g. to perturb it by a few ulps). */
  adjust?: (key: string, value: number) => number;
  /** Collects the keys read through q.interval. */
  intervalReads?: Set<string>;
  /**
   * Collects what a side read that is not a tracked quantity and that the high-precision oracle does not
   * recompute (confirm.ts): 'matrix(K)' for each q.matrix(K) (and so every q.certified helper applied to it).
   */
  opaqueReads?: Set<string>;
  /** Runs an engine computation (a quantity's enclosure) in an unperturbed arithmetic environment. */
  engine?: <T>(f: () => T) => T;
}

/**
 * A view of the quantities of one instance. `reads` collects the keys of the tracked quantities
 * read (e.g. 'lambdaMinNTK', 'sigmaMinF(1)', 'mu(2)'); `choose` picks the corner of each.
 */
export function quantitiesView(inst: AuditInstance, choose: CornerChoice = () => 'mid', reads: Set<string> = new Set(), opts: ViewOptions = {}): Quantities {
  const engine = opts.engine ?? (<T>(f: () => T): T => f());
  const pick = (key: string, e: Enclosure): number => {
    reads.add(key);
    const c = choose(key);
    const v = c === 'lower' ? e.lower : c === 'upper' ? e.upper : e.mid;
    return opts.adjust ? opts.adjust(key, v) : v;
  };
  const intervalOf = (name: unknown): Interval => {
    if (name === 'N' || name === 'd' || name === 'L') return interval(name === 'N' ? inst.x.rows : name === 'd' ? inst.x.cols : inst.depth);
    if (
      typeof name !== 'string' ||
      !(/^(sigmaMinF|lipschitzBound|mu)\(\d+\)$/.test(name) || (SCALAR_QUANTITIES as readonly string[]).includes(name) || KERNEL_KEY_RE.test(name))
    ) {
      throw new RangeError(
        `q.interval: unknown quantity ${JSON.stringify(name)} (known: N, d, L, ${SCALAR_QUANTITIES.join(', ')}, sigmaMinF(k), lipschitzBound(k), mu(r), ${KERNEL_FUNCTIONS.map((f) => f + '(kernel)').join(', ')})`,
      );
    }
    opts.intervalReads?.add(name);
    return interval(engine(() => enclosureOf(inst, name)));
  };
  const betas = (): number[] => {
    const L = inst.depth;
    const dims = [inst.x.cols, ...inst.widths];
    if (inst.init === 'standard') return new Array<number>(L).fill(1);
    return Array.from({ length: L }, (_, l) => Math.sqrt((inst.init === 'he' ? 2 : 1) / dims[l]));
  };
  const q: Record<string, unknown> = {
    sigmaMinF: (k: number) =>
      pick(
        `sigmaMinF(${k})`,
        engine(() => sigmaMinFEnclosure(inst, k)),
      ),
    lipschitzBound: (k: number) =>
      pick(
        `lipschitzBound(${k})`,
        engine(() => lipschitzEnclosure(inst, k)),
      ),
    mu: (r: number) =>
      pick(
        `mu(${r})`,
        engine(() => muEnclosureOf(inst, r)),
      ),
    interval: intervalOf,
    matrix: (name: KernelName) => {
      opts.opaqueReads?.add(`matrix(${String(name)})`);
      return engine(() => kernelMatrix(inst, name));
    },
    certified: CERTIFIED_HELPERS,
  };
  for (const fn of KERNEL_FUNCTIONS)
    q[fn] = (name: KernelName) =>
      pick(
        `${fn}(${name})`,
        engine(() => kernelFunctionEnclosure(inst, fn, name)),
      );
  Object.defineProperties(q, {
    N: { get: () => inst.x.rows, enumerable: true },
    d: { get: () => inst.x.cols, enumerable: true },
    L: { get: () => inst.depth, enumerable: true },
    widths: { get: () => Object.freeze(inst.widths.slice()), enumerable: true },
    betas: { get: () => Object.freeze(betas()), enumerable: true },
    init: { get: () => inst.init, enumerable: true },
    activation: { get: () => inst.activation ?? 'relu', enumerable: true },
    bias: { get: () => inst.bias ?? 0, enumerable: true },
    parameterization: { get: () => inst.parameterization ?? 'nmm', enumerable: true },
    X: { get: () => (opts.x ? opts.x() : inst.x), enumerable: true },
    y: { get: () => Float64Array.from(engine(() => labelsOf(inst))), enumerable: true },
    labelModel: { get: () => (inst.labels ? inst.labels.model + (inst.labels.noise > 0 ? ` + noise ${inst.labels.noise}` : '') : 'none'), enumerable: true },
  });
  for (const name of SCALAR_QUANTITIES)
    Object.defineProperty(q, name, {
      get: () =>
        pick(
          name,
          engine(() => scalar(inst, name)),
        ),
      enumerable: true,
    });
  return Object.freeze(q) as unknown as Quantities;
}

/** The enclosure behind a tracked key (as recorded in `reads`). */
export function enclosureOf(inst: AuditInstance, key: string): Enclosure {
  const m = /^(sigmaMinF|lipschitzBound|mu)\((\d+)\)$/.exec(key);
  if (m) {
    const k = Number(m[2]);
    return m[1] === 'sigmaMinF' ? sigmaMinFEnclosure(inst, k) : m[1] === 'lipschitzBound' ? lipschitzEnclosure(inst, k) : muEnclosureOf(inst, k);
  }
  const kf = KERNEL_KEY_RE.exec(key);
  if (kf) return kernelFunctionEnclosure(inst, kf[1] as KernelFunction, kf[2]);
  return scalar(inst, key as ScalarQuantity);
}

/**
 * A copy of `inst` (same data and network seed, fresh cache) whose tracked quantities listed in
 * `enclosures` (keys as recorded by a view's `reads`, e.g. 'lambdaMinNTK', 'sigmaMinF(1)') take the
 * given enclosures instead of the engine's. The high-precision confirmation (confirm.ts) evaluates
 * the sides of a bound on such a copy.
 */
export function withEnclosures(inst: AuditInstance, enclosures: Record<string, Enclosure>): AuditInstance {
  const cache = new Map<string, unknown>();
  for (const [k, e] of Object.entries(enclosures)) cache.set(`q:${k}`, e);
  return { x: inst.x, ...instanceFields(inst), cache };
}

/** The fields of an instance besides its data matrix and cache (the architecture's only where they differ from the default). */
export function instanceFields(inst: AuditInstance): Omit<AuditInstance, 'x' | 'cache'> {
  return {
    depth: inst.depth,
    widths: inst.widths,
    init: inst.init,
    netSeed: inst.netSeed,
    data: inst.data,
    normalize: inst.normalize,
    ...(inst.labels ? { labels: inst.labels } : {}),
    ...architectureFields(inst),
  };
}

/** The architecture fields of an instance that differ from the default (ReLU, no bias, 'nmm'). */
export function architectureFields(
  inst: Pick<AuditInstance, 'activation' | 'bias' | 'parameterization'>,
): Pick<AuditInstance, 'activation' | 'bias' | 'parameterization'> {
  return {
    ...(inst.activation !== undefined ? { activation: inst.activation } : {}),
    ...(inst.bias !== undefined ? { bias: inst.bias } : {}),
    ...(inst.parameterization !== undefined ? { parameterization: inst.parameterization } : {}),
  };
}
