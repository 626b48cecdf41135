/**
 * `ntk-audit kernel <limiting|nngp|ntk-empirical|h-infinity> --data FILE …`: loads a data set,
 * builds one kernel matrix and prints its size, the conventions used, a certified enclosure of
 * λ_min, λ_max and the trace (text, or one JSON object with --json).
 *
 * The module is split into pure steps so that other commands and tests can reuse them:
 * {@link parseKernelOptions} (flags → request, all validation), {@link computeKernelReport}
 * (request → report) and {@link formatKernelText} (report → text).
 */
import { Argument, type Command, Option } from 'commander';
import { UserError } from '../errors.ts';
import { readDataFile, validateDataMatrix } from '../io/data.ts';
import { tuneV8ForOneShot } from './oneShot.ts';
import type { Matrix } from '../linalg/matrix.ts';

import { ACTIVATION_NAMES, activationByName } from '../ntk/activations/registry.ts';
export const KERNEL_KINDS = ['limiting', 'nngp', 'ntk-empirical', 'h-infinity'] as const;
export type KernelKind = (typeof KERNEL_KINDS)[number];
export const INIT_SCHEMES = ['standard', 'he', 'lecun'] as const;
export const PARAMETERIZATIONS = ['nmm', 'ntk'] as const;

/** The largest dense array (in doubles) the empirical-NTK kernel may allocate: 1 GiB. */
const MAX_DENSE_DOUBLES = 2 ** 27;

/** Raw option values as commander hands them over (all strings, booleans for switches). */
export interface RawKernelOptions {
  data: string;
  depth?: string;
  widths?: string;
  init?: string;
  parameterization?: string;
  wStd?: string;
  bStd?: string;
  activation?: string;
  seed?: string;
  normalize?: boolean;
  json?: boolean;
}

export interface KernelRequest {
  kind: KernelKind;
  data: string;
  depth: number;
  widths?: number[];
  init?: (typeof INIT_SCHEMES)[number];
  seed?: string | number;
  parameterization?: (typeof PARAMETERIZATIONS)[number];
  wStd?: number;
  bStd?: number;
  /**
   * limiting, nngp, h-infinity, ntk-empirical: an activation name of src/ntk/activations/registry.ts (default relu;
   * ntk-empirical is certified for the (a,b)-ReLU family and every smooth record of the registry; a record without certifiedFiniteNetwork is reported NOT certified).
   */
  activation?: string;
  normalize: boolean;
  json: boolean;
}

export interface KernelReport {
  kernel: KernelKind;
  data: string;
  n: number;
  d: number;
  depth: number;
  widths?: number[];
  seed?: string | number;
  conventions: Record<string, string | number | boolean>;
  /** Certified λ_min(K) ∈ [lower, upper] for the exact kernel; estimate is the best point value. */
  lambdaMin: { lower: number; estimate: number; upper: number };
  /**
   * Whether the enclosure says something about λ_min: true iff upper − lower ≤ |estimate|, i.e. the certified
   * interval is no wider than the value itself (then lower and upper have the sign of the estimate and the
   * leading digit is nearly determined). False for singular kernels (duplicate or zero rows: λ_min = 0 can only
   * be bracketed by ± the kernel's rounding error) and for data whose norms span so many orders of magnitude
   * that the rounding error of the large entries exceeds λ_min (e.g. rows at 1e-150 and 1e150).
   */
  useful: boolean;
  lambdaMinMethod: string;
  lambdaMinFactorizations: number;
  /** Certified λ_max(K) ∈ [lower, upper] for the exact kernel ([−∞, ∞] when `certified` is false). */
  lambdaMax: { lower: number; estimate: number; upper: number };
  lambdaMaxMethod: string;
  trace: number;
  /** Bound on the error of the computed kernel matrix, passed to the λ_min certification. */
  entryErrorBound: number;
  /** false: no rigorous enclosure (λ_min is [−∞, +∞] with a float estimate); absent means certified. */
  certified?: boolean;
  notCertifiedReason?: string;
  warnings: string[];
  timings: { loadMs: number; kernelMs: number; lambdaMinMs: number; totalMs: number };
}

// ------------------------------------------------------------------------------------------------
// Option validation: every message is one line naming the flag and quoting what the user typed.
// Hand-written rather than a schema library: importing zod cost ≈ 110 ms of the one-shot command
// (measured: `await import('zod')` 106–133 ms on the reference machine, a third of the start-up).
// ------------------------------------------------------------------------------------------------

/** Message naming the flag and quoting what the user typed (or the value it parsed to). */
const got = (flag: string, what: string, input: unknown) => new UserError(`${flag} must be ${what}, got ${JSON.stringify(input)}`);

function intOption(flag: string, raw: string, min: number): number {
  const s = raw.trim();
  if (!/^[+]?\d+$/.test(s)) throw got(flag, `an integer ≥ ${min}`, s);
  const v = Number(s);
  if (!(Number.isSafeInteger(v) && v >= min)) throw got(flag, `an integer ≥ ${min}`, v);
  return v;
}

function numberOption(flag: string, raw: string, positive: boolean): number {
  const s = raw.trim();
  const what = positive ? 'positive' : 'non-negative';
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) throw got(flag, `a ${what} number`, s);
  const v = Number(s);
  if (!(Number.isFinite(v) && (positive ? v > 0 : v >= 0))) throw got(flag, `a ${what} finite number`, v);
  return v;
}

function widthsOption(raw: string): number[] {
  const s = raw.trim();
  if (!(s === '' || /^\s*\d+\s*(,\s*\d+\s*)*$/.test(s))) throw got('--widths', 'a comma-separated list of positive integers, e.g. 64,64', s);
  const ws = s === '' ? [] : s.split(',').map((w) => Number(w.trim()));
  if (!ws.every((w) => Number.isSafeInteger(w) && w >= 1)) throw got('--widths', 'a list of integers ≥ 1', ws);
  return ws;
}

function choiceOption<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) throw got(flag, `one of ${choices.join(', ')}`, raw);
  return raw as T;
}

/** The flags as typed values, checked in the order of the option list (the first bad one is reported). */
function validateRaw(raw: RawKernelOptions) {
  if (typeof raw.data !== 'string' || raw.data.length === 0) throw new UserError('--data must name a file');
  const seed = raw.seed?.trim();
  const o = {
    data: raw.data,
    depth: raw.depth === undefined ? undefined : intOption('--depth', raw.depth, 1),
    widths: raw.widths === undefined ? undefined : widthsOption(raw.widths),
    init: raw.init === undefined ? undefined : choiceOption('--init', raw.init, INIT_SCHEMES),
    parameterization: raw.parameterization === undefined ? undefined : choiceOption('--parameterization', raw.parameterization, PARAMETERIZATIONS),
    wStd: raw.wStd === undefined ? undefined : numberOption('--w-std', raw.wStd, true),
    bStd: raw.bStd === undefined ? undefined : numberOption('--b-std', raw.bStd, false),
    activation: raw.activation?.trim(),
    seed,
    normalize: raw.normalize,
    json: raw.json,
  };
  if (o.activation !== undefined && o.activation.length === 0) throw new UserError('--activation must name an activation');
  if (seed !== undefined && seed.length === 0) throw new UserError('--seed must not be empty');
  return o;
}

/** Which flags make sense for which kernel; any other is rejected rather than silently ignored. */
const APPLICABLE: Record<KernelKind, ReadonlyArray<keyof RawKernelOptions>> = {
  limiting: ['depth', 'parameterization', 'wStd', 'bStd', 'activation'],
  nngp: ['depth', 'parameterization', 'wStd', 'bStd', 'activation'],
  'ntk-empirical': ['depth', 'widths', 'init', 'seed', 'normalize', 'activation', 'parameterization', 'wStd', 'bStd'],
  'h-infinity': ['activation'],
};
const FLAG_NAMES: Partial<Record<keyof RawKernelOptions, string>> = {
  depth: '--depth',
  widths: '--widths',
  init: '--init',
  parameterization: '--parameterization',
  wStd: '--w-std',
  bStd: '--b-std',
  activation: '--activation',
  seed: '--seed',
  normalize: '--normalize',
};

function parseSeed(s: string): string | number {
  return /^-?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : s;
}

/** Validates the flags of `kernel <kind>`; throws a one-line UserError naming the flag. */
export function parseKernelOptions(kind: string, raw: RawKernelOptions): KernelRequest {
  if (!(KERNEL_KINDS as readonly string[]).includes(kind)) {
    throw new UserError(`unknown kernel '${kind}' (expected one of ${KERNEL_KINDS.join(', ')})`);
  }
  const k = kind as KernelKind;
  const o = validateRaw(raw);
  for (const key of Object.keys(FLAG_NAMES) as Array<keyof RawKernelOptions>) {
    if (raw[key] !== undefined && raw[key] !== false && !APPLICABLE[k].includes(key)) {
      const where = KERNEL_KINDS.filter((kk) => APPLICABLE[kk].includes(key));
      throw new UserError(`${FLAG_NAMES[key]} does not apply to the '${k}' kernel (only to ${where.join(', ')})`);
    }
  }
  const base = { kind: k, data: o.data, normalize: o.normalize ?? false, json: o.json ?? false };
  // --parameterization, --w-std, --b-std: the same options for the limiting kernels and the finite network
  const param = () => {
    if ((o.wStd !== undefined || o.bStd !== undefined) && o.parameterization !== 'ntk') {
      throw new UserError(
        `${o.wStd !== undefined ? '--w-std' : '--b-std'} applies only with --parameterization ntk (the 'nmm' parameterisation fixes c_1 = 1, c_l = 2, no biases)`,
      );
    }
    return {
      parameterization: o.parameterization ?? 'nmm',
      ...(o.wStd !== undefined ? { wStd: o.wStd } : {}),
      ...(o.bStd !== undefined ? { bStd: o.bStd } : {}),
    };
  };
  switch (k) {
    case 'limiting':
    case 'nngp':
      return {
        ...base,
        depth: o.depth ?? 2,
        ...param(),
        ...(o.activation !== undefined ? { activation: activationByName(o.activation).name } : {}),
      };
    case 'h-infinity':
      return { ...base, depth: 2, ...(o.activation !== undefined ? { activation: activationByName(o.activation).name } : {}) };
    case 'ntk-empirical': {
      const act = { ...(o.activation !== undefined ? { activation: activationByName(o.activation).name } : {}), ...param() };
      if (act.parameterization === 'ntk' && o.normalize) {
        throw new UserError(`--normalize does not apply with --parameterization ntk (its kernel is already normalised by the scales W_std/√n_{l−1})`);
      }
      if (o.widths === undefined) {
        if (o.depth === 1) return { ...base, depth: 1, widths: [], init: o.init ?? 'standard', seed: parseSeed(o.seed ?? '0'), ...act };
        throw new UserError(`--widths is required for the 'ntk-empirical' kernel (hidden widths n_1,…,n_{L−1}, e.g. --widths 256,256 for depth 3)`);
      }
      const depth = o.widths.length + 1;
      if (o.depth !== undefined && o.depth !== depth) {
        throw new UserError(`--depth ${o.depth} needs ${o.depth - 1} hidden width(s), but --widths lists ${o.widths.length} (depth = number of widths + 1)`);
      }
      return { ...base, depth, widths: o.widths, init: o.init ?? 'standard', seed: parseSeed(o.seed ?? '0'), ...act };
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Computation
// ------------------------------------------------------------------------------------------------

/** −floor(log2 max|k_ij|) when that maximum lies outside [2^-200, 2^200], else 0 (as lambdaMin.ts prescales). */
/** Loads (and, under tsx, compiles) the engine modules a kernel needs, so that timings exclude it. */
async function preloadEngine(kind: KernelKind): Promise<void> {
  const mods: Promise<unknown>[] = [import('../linalg/spectralSummary.ts')];
  if (kind === 'limiting' || kind === 'nngp') mods.push(import('../ntk/limiting.ts'));
  if (kind === 'h-infinity') mods.push(import('../ntk/hInfinityActivation.ts'));
  if (kind === 'ntk-empirical') mods.push(import('../ntk/network.ts'), import('../ntk/empiricalNtk.ts'));
  await Promise.all(mods);
}

/**
 * The kernel as 2^log2Scale·k (log2Scale absent = 0) with ‖k − 2^{−log2Scale}K_exact‖₂ ≤ errorBound. The limiting
 * kernels and H∞ come scaled so that their largest diagonal entry is in [1, 2) when the data or W_std are beyond the
 * direct range (limiting.ts, hInfinity.ts): kernels beyond the float64 range stay representable. `certified: false`
 * (with a reason, and errorBound = ∞) when no rigorous bound exists (the empirical NTK, see empiricalNtkCertified.ts).
 */
async function buildKernel(
  req: KernelRequest,
  x: Matrix,
): Promise<{
  k: Matrix;
  errorBound: number;
  log2Scale?: number;
  conventions: Record<string, string | number | boolean>;
  certified?: boolean;
  notCertifiedReason?: string;
  /** λ_min enclosure computed by the kernel's own engine routine (spectralSummary then skips its own). */
  lambdaMin?: { lower: number; estimate: number; upper: number; method: string; factorizations: number };
}> {
  switch (req.kind) {
    case 'limiting':
    case 'nngp': {
      const { limitingKernels } = await import('../ntk/limiting.ts');
      const act = activationByName(req.activation ?? 'relu');
      const arch = {
        depth: req.depth,
        activation: act,
        parameterization: req.parameterization,
        ...(req.wStd !== undefined ? { wStd: req.wStd } : {}),
        ...(req.bStd !== undefined ? { bStd: req.bStd } : {}),
      };
      const r = limitingKernels(x, arch, { rescale: true });
      const isNtk = req.kind === 'limiting';
      const nmm = req.parameterization === 'nmm';
      const conventions: Record<string, string | number | boolean> = {
        kernel: isNtk ? 'limiting (infinite-width) NTK K^(L)' : 'limiting (infinite-width) NNGP G^(L)',
        normalisation: nmm
          ? act.name === 'relu'
            ? 'NMM eq. (4): lim Π_{l=1}^{L-1} (2/n_l)·JJᵀ, c_σ = 2, no biases; G(x,x) = ‖x‖², K(x,x) = L‖x‖²'
            : `NMM-style: G1 = XXᵀ, c_l = 1/E[σ(g)²] for l ≥ 2, no biases (activation ${act.name})`
          : 'neural-tangents parameterization="ntk": input kernel W_std²·XXᵀ/d + b_std², c_σ = 1',
        ...r.conventions,
      };
      return { k: isNtk ? r.ntk : r.nngp, errorBound: isNtk ? r.ntkErrorBound : r.nngpErrorBound, log2Scale: r.log2Scale, conventions };
    }
    case 'h-infinity': {
      const { hInfinityFor } = await import('../ntk/hInfinityActivation.ts');
      const act = activationByName(req.activation ?? 'relu');
      const r = hInfinityFor(x, act, { rescale: true });
      const relu = act.name === 'relu';
      return {
        k: r.matrix,
        errorBound: r.errorBound,
        log2Scale: r.log2Scale,
        conventions: relu
          ? {
              kernel: 'two-layer ReLU H^∞ (Du et al. 2019): H_ij = x_iᵀx_j (π − θ_ij) / (2π)',
              activation: 'relu',
              activationDerivativeAtZero: 0,
              trainedLayer: 'first layer only (output layer fixed)',
              normalisation: 'E_w[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}], w ~ N(0, I)',
            }
          : {
              kernel: `two-layer H^∞ (Du et al. 2019, arXiv 1810.02054, eq. (3)): H_ij = x_iᵀx_j·E_w[σ'(wᵀx_i)σ'(wᵀx_j)], σ = ${act.name}`,
              activation: act.name,
              activationDerivative: act.derivativeConvention,
              trainedLayer: 'first layer only (output layer fixed)',
              normalisation: "E_w[x_iᵀx_j σ'(wᵀx_i)σ'(wᵀx_j)], w ~ N(0, I)",
              dualKernel: "the activation record's E[σ'(u)σ'(v)] at (‖x_i‖², ‖x_j‖², x_iᵀx_j) in interval arithmetic (src/ntk/hInfinityActivation.ts)",
            },
      };
    }
    case 'ntk-empirical': {
      const { initNetwork } = await import('../ntk/network.ts');
      const { empiricalNtkCertified, empiricalNtkLambdaMin } = await import('../ntk/empiricalNtkCertified.ts');
      const widths = req.widths ?? [];
      const init = req.init ?? 'standard';
      const seed = req.seed ?? 0;
      // Every weight matrix (n_{l−1} × n_l) and every feature / signal matrix (N × n_l) is one dense
      // Float64Array: refuse sizes that cannot be allocated instead of failing inside the engine.
      const dims = [x.cols, ...widths, 1];
      for (let l = 1; l < dims.length; l++) {
        const need = Math.max(dims[l - 1] * dims[l], x.rows * dims[l]);
        if (need > MAX_DENSE_DOUBLES) {
          throw new UserError(
            `--widths: layer ${l} (width ${dims[l]}) needs a dense array of ${need.toExponential(2)} doubles; supported: N·n_l and n_{l−1}·n_l up to 2^27 (1 GiB each)`,
          );
        }
      }
      const act = activationByName(req.activation ?? 'relu');
      const ntk = req.parameterization === 'ntk';
      const paramArch = ntk ? { parameterization: 'ntk' as const, wStd: req.wStd ?? 1, bStd: req.bStd ?? 0 } : {};
      const net = initNetwork({ inputDim: x.cols, widths, init, ...(act.name === 'relu' ? {} : { activation: act }), ...paramArch }, seed);
      // The kernel, its error bound and the λ_min enclosure are the engine's (empiricalNtkCertified.ts), the
      // same functions as the audit quantity lambdaMinEmpiricalNTK (src/audit/quantities.ts) with --normalize.
      const r = empiricalNtkCertified(net, x, { normalize: req.normalize });
      if (!r.ntk.data.every(Number.isFinite)) {
        throw new UserError(
          `${req.data}: the ntk-empirical kernel's entries overflow float64; supported: kernels whose entries stay below ≈ 1.8e308 (2^1024) — scale the data down`,
        );
      }
      const k = r.ntk;
      const scale = r.scale;
      const errorBound = r.errorBound;
      const notCertifiedReason = r.notCertifiedReason;
      const lm = empiricalNtkLambdaMin(r);
      return {
        k,
        errorBound,
        conventions: {
          kernel: ntk
            ? 'empirical (finite-width) NTK K = J Jᵀ, J = ∂f/∂(ω, β) = Σ_l (s_l²F_{l−1}F_{l−1}ᵀ + b_std²·11ᵀ)∘(B_lB_lᵀ)'
            : 'empirical (finite-width) NTK K̄ = J Jᵀ',
          parameterization: ntk ? `ntk (neural-tangents: g_l = s_l·F_{l−1}ω_l + b_std·β_l, s_l = W_std/√n_{l−1}, W_std = ${paramArch.wStd})` : 'nmm',
          activation: act.name,
          ...(act.kind === 'ab-relu' ? { activationDerivativeAtZero: 0 } : {}),
          activationDerivative: act.derivativeConvention,
          biases: ntk ? `b_std·β_l, β_l ~ N(0, I), b_std = ${paramArch.bStd}` : 'none',
          init,
          betas: net.betas.map((b) => Number(b.toPrecision(6))).join(','),
          widths: [x.cols, ...widths, 1].join(','),
          seed,
          normalisation: ntk
            ? 'none (the scales W_std/√n_{l−1} are part of the network; comparable to the limiting ntk kernel)'
            : req.normalize
              ? act.name === 'relu'
                ? `Π_{l=1}^{L-1} (2/n_l) · JJᵀ = ${scale} · JJᵀ (comparable to the limiting NTK)`
                : `Π_{l=1}^{L-1} 1/(κ n_l) · JJᵀ, κ = E[σ(g)²] = ${act.secondMoment}: ${scale} · JJᵀ (comparable to the limiting NTK, c_l = 1/κ)`
              : 'none (raw J Jᵀ, unnormalised)',
          errorBoundCovers: ntk
            ? 'forward/backward rounding, units within rounding of their kink (both choices), the layer scales against the real W_std/√n_{l−1}, the bias additions, Gram/sum rounding'
            : 'forward/backward rounding, units within rounding of their kink (both choices), Gram/sum rounding, normalisation',
          unitsWithinRoundingOfKink: r.ambiguousUnits,
        },
        certified: r.certified,
        ...(notCertifiedReason !== undefined ? { notCertifiedReason } : {}),
        lambdaMin: { lower: lm.lower, estimate: lm.estimate, upper: lm.upper, method: lm.method, factorizations: lm.factorizations },
      };
    }
  }
}

/** Loads the data, builds the kernel and computes its spectral summary. */
export async function computeKernelReport(req: KernelRequest): Promise<KernelReport> {
  const t0 = performance.now();
  const x = readDataFile(req.data);
  const { warnings } = validateDataMatrix(x, { allowDuplicates: true, allowZeroRows: true, name: req.data });
  const t1 = performance.now();
  await preloadEngine(req.kind);
  const t1b = performance.now();
  const built = await buildKernel(req, x);
  const { conventions, certified, notCertifiedReason } = built;
  const t2 = performance.now();
  const { spectralSummary } = await import('../linalg/spectralSummary.ts');
  const sum = spectralSummary(built.k, built.errorBound, built.log2Scale ?? 0, {
    certified: certified !== false,
    ...(built.lambdaMin ? { lambdaMin: built.lambdaMin } : {}),
  });
  const t5 = performance.now();
  if ('kind' in sum) {
    if (sum.kind === 'entries')
      throw new UserError(
        `${req.data}: the ${req.kind} kernel's entries or its error bound overflow float64; supported: kernels whose entries stay below ≈ 1.8e308 — scale the data down`,
      );
    throw new UserError(
      `${req.data}: the ${req.kind} kernel's eigenvalues reach ≈ 2^${sum.log2LambdaMax}, beyond the float64 range; supported: kernels with λ_max and trace below ≈ 1.8e308 (2^1024) — scale the data down${req.kind === 'limiting' || req.kind === 'nngp' ? ' (or --w-std, --b-std)' : ''}`,
    );
  }
  const lm = sum.lambdaMin;
  return {
    kernel: req.kind,
    data: req.data,
    n: x.rows,
    d: x.cols,
    depth: req.depth,
    ...(req.widths !== undefined ? { widths: req.widths } : {}),
    ...(req.seed !== undefined ? { seed: req.seed } : {}),
    conventions,
    lambdaMin: { lower: lm.lower, estimate: lm.estimate, upper: lm.upper },
    useful: sum.useful,
    lambdaMinMethod: sum.lambdaMinMethod,
    lambdaMinFactorizations: sum.lambdaMinFactorizations,
    lambdaMax: sum.lambdaMax,
    lambdaMaxMethod: sum.lambdaMaxMethod,
    trace: sum.trace,
    entryErrorBound: sum.entryError,
    ...(certified !== undefined ? { certified } : {}),
    ...(notCertifiedReason !== undefined ? { notCertifiedReason } : {}),
    warnings,
    timings: { loadMs: t1 - t0, kernelMs: t2 - t1b, lambdaMinMs: sum.lambdaMinMs, totalMs: t5 - t0 },
  };
}

// ------------------------------------------------------------------------------------------------
// Output
// ------------------------------------------------------------------------------------------------

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e6 ? v.toPrecision(10).replace(/\.?0+$/, '') : v.toExponential(9);
}

function ms(v: number): string {
  return `${v.toFixed(1)} ms`;
}

/** The human-readable form of a report (what `kernel` prints without --json). */
export function formatKernelText(r: KernelReport): string {
  const lines: string[] = [];
  const pad = (label: string) => `  ${label.padEnd(13)}`;
  lines.push(`ntk-audit kernel ${r.kernel}`);
  lines.push(`${pad('data')}${r.data}: N = ${r.n} samples, d = ${r.d} features`);
  lines.push(
    `${pad('depth')}L = ${r.depth}${r.widths ? `, hidden widths ${r.widths.length ? r.widths.join(', ') : '(none)'}` : ''}${r.seed !== undefined ? `, seed ${JSON.stringify(r.seed)}` : ''}`,
  );
  lines.push('  conventions');
  const width = Math.max(...Object.keys(r.conventions).map((key) => key.length));
  for (const [key, value] of Object.entries(r.conventions)) lines.push(`    ${key.padEnd(width)}  ${String(value)}`);
  const lm = r.lambdaMin;
  // The enclosure is printed with round-trip precision: its width is often far below 10 digits.
  if (r.certified === false) lines.push(`${pad('λ_min')}${fmt(lm.estimate)}  NOT certified: ${r.notCertifiedReason ?? 'no rigorous error bound'}`);
  else {
    lines.push(`${pad('λ_min')}${fmt(lm.estimate)}  certified in [${String(lm.lower)}, ${String(lm.upper)}] (width ${(lm.upper - lm.lower).toPrecision(2)})`);
    if (!r.useful)
      lines.push(`${pad('')}enclosure too wide to be useful: its width exceeds |estimate|, so not even the first significant digit of λ_min is certified`);
  }
  lines.push(`${pad('')}(${r.lambdaMinMethod}, ${r.lambdaMinFactorizations} factorization(s), kernel error bound ${fmt(r.entryErrorBound)})`);
  const lx = r.lambdaMax;
  if (r.certified === false) lines.push(`${pad('λ_max')}${fmt(lx.estimate)}  NOT certified (${r.lambdaMaxMethod})`);
  else
    lines.push(
      `${pad('λ_max')}${fmt(lx.estimate)}  certified in [${String(lx.lower)}, ${String(lx.upper)}] (width ${(lx.upper - lx.lower).toPrecision(2)}; ${r.lambdaMaxMethod})`,
    );
  lines.push(`${pad('trace')}${fmt(r.trace)}`);
  const t = r.timings;
  lines.push(`${pad('time')}load ${ms(t.loadMs)}, kernel ${ms(t.kernelMs)}, λ_min ${ms(t.lambdaMinMs)}, total ${ms(t.totalMs)}`);
  return `${lines.join('\n')}\n`;
}

/** JSON.stringify with ±Infinity/NaN written as strings (JSON has no literal for them). */
export function reportToJson(r: KernelReport): string {
  return JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** Registers `kernel` on the program. */
export function registerKernelCommand(program: Command): void {
  program
    .command('kernel')
    .description('build a kernel matrix on a data set and print certified enclosures of λ_min and λ_max, and the trace')
    .addArgument(new Argument('<kind>', 'kernel to build').choices(KERNEL_KINDS))
    .requiredOption('--data <file>', 'data set, N × d, one sample per row (.csv, .json or .npy)')
    .option('--depth <L>', 'number of layers L ≥ 1 (limiting, nngp: default 2; ntk-empirical: number of widths + 1)')
    .option('--widths <list>', 'ntk-empirical: hidden widths n_1,…,n_{L−1}, comma-separated')
    .addOption(new Option('--init <scheme>', 'ntk-empirical: weight initialisation (β_l = 1, √(2/n_{l−1}), √(1/n_{l−1}))').choices(INIT_SCHEMES))
    .addOption(
      new Option(
        '--parameterization <p>',
        'limiting, nngp, ntk-empirical: nmm (Nguyen–Mondelli–Montúfar, c_σ = 2) or ntk (neural-tangents, with biases)',
      ).choices(PARAMETERIZATIONS),
    )
    .option('--w-std <x>', 'limiting, nngp, ntk-empirical with --parameterization ntk: weight standard deviation W_std (> 0, default 1)')
    .option('--b-std <x>', 'limiting, nngp, ntk-empirical with --parameterization ntk: bias standard deviation b_std (≥ 0, default 0)')
    .option(
      '--activation <name>',
      `limiting, nngp, h-infinity, ntk-empirical: activation (${ACTIVATION_NAMES.join(', ')}; default relu; ntk-empirical: certified for each)`,
    )
    .option('--seed <s>', 'ntk-empirical: seed of the weight draw (default 0)')
    .option('--normalize', 'ntk-empirical: multiply J Jᵀ by Π 2/n_l (Π 1/(κ n_l), κ = E[σ(g)²], for another activation; comparable to the limiting NTK)')
    .option('--json', 'print one JSON object on stdout instead of text')
    .action(async (kind: string, raw: RawKernelOptions) => {
      const req = parseKernelOptions(kind, raw);
      tuneV8ForOneShot(); // this process computes one kernel and exits (oneShot.ts)
      const report = await computeKernelReport(req);
      for (const w of report.warnings) process.stderr.write(`ntk-audit: warning: ${w}\n`);
      process.stdout.write(req.json ? `${reportToJson(report)}\n` : formatKernelText(report));
    });
}
