import { z } from 'zod';
import { UserError } from '../errors.ts';
import { loadNamedPopulation, namedDatasetDim, NAMED_DATASETS, type NamedDataset, NORMALIZATIONS, type Normalization } from '../io/datasets.ts';
import { DISTRIBUTION_FAMILIES } from '../random/distributions.ts';
import { DEFAULT_SCALING_TOLERANCE } from '../search/scaling.ts';
import type { Evaluation, ScalingLaw, ScalingRelation } from '../theorem/types.ts';
import { sweepDescriptors } from '../theorem/arbitraries.ts';
import { positiveDraw } from '../theorem/sides.ts';
import type { AuditInstance } from './quantities.ts';
import type { AsymptoticBoundSpec, AuditDescriptor, AuditTheorem, DataSource, Side } from './defineBound.ts';
import {
  AUDIT_BOUND,
  decodeAuditInstance,
  encodeAuditInstance,
  evaluateSide,
  materializeDescriptor,
  needsSensitivity,
  withSensitivity,
} from './defineBound.ts';

/**
 * ASYMPTOTIC BOUNDS: `defineBound({ …, asymptotic: { … } })` states y = Θ(x^e), O(x^e) or Ω(x^e) as the
 * scaling variable x grows, the other variables held fixed, and the audit judges it by the exponent it
 * fits — never by one fitted constant (the same scaling verdicts as the catalog, src/search/scaling.ts):
 *
 *   asymptotic: {
 *     quantity: (q) => q.lambdaMinNTK,     // y: a side (number, {value, error} or Interval), certified > 0
 *     relation: 'Omega',                   // 'Theta' | 'O' | 'Omega' (or 'Θ', 'Ω')
 *     exponent: 1,                         // e
 *     tolerance: 0.1,                      // half-width of the accepted band [e − tol, e + tol] (default 0.1)
 *     sweep: 'd',                          // the swept variable: 'N', 'd', 'width' (every hidden layer),
 *                                          // 'n1' … 'n{L−1}' (one hidden layer), or a list swept together
 *     sizes: [400, 1000, 2500, 6300, 16000],  // ≥ 3 distinct positive integers spanning ≥ one decade
 *     hold: [{ N: 8, depth: 2 }, { N: 8, depth: 3, data: 'sqrt-d-sphere' }],  // one regime each
 *     draws: { min: 4, max: 24 },          // independent draws per size and regime (default 4 … 24)
 *   }
 *
 * x is the product of the swept variables (so sweep: ['n1', 'n2'] with exponent 1 states y = Θ(n1·n2),
 * both widths set to each size). Each regime of `hold` fixes the other variables — N (default 8),
 * d (16), depth (2), widths (64 each, or a list n_1..n_{L−1}), init ('standard'), data ('gaussian', any
 * synthetic family or named data set) and normalize ('none') — and is fitted on its own.
 *
 * THE VERDICT. Per regime: ordinary least squares of log y on log x over sizes × draws, with the
 * two-sided Student-t interval of the slope at level 0.05 / (bounds in the proposal × regimes). Then
 *   Θ: refuted when the interval misses [e − tol, e + tol]; survived when it lies inside;
 *   O: refuted when it lies above e + tol;  survived when it lies below e + tol;
 *   Ω: refuted when it lies below e − tol;  survived when it lies above e − tol;
 * otherwise inconclusive. The bound is refuted when one regime is, survives when every regime does. A draw
 * whose y is not certified positive with relative error ≤ 1e-3 (or that breaks `assume`, throws, or was not
 * run because the budget ran out) is unusable and makes its regime inconclusive: dropping it could bias the
 * slope. Draws per size: the budget's evaluations (--budget × costHint) shared over sizes × regimes,
 * clamped to `draws`. Pre-asymptotic drift is real (λ_min(K(L))/d still drifts at d = 10³): choose sizes
 * where the claimed regime has set in; a drift larger than the tolerance is reported as a refutation of
 * the exponent over THAT range of sizes, which the report states.
 *
 * A refutation writes the sweep (every draw's descriptor) as replayable evidence:
 * `ntk-audit replay FILE` re-evaluates every draw and re-fits at the stored level.
 */

/** Variables a sweep can set: N, d, every hidden width, or one hidden width n_k (1 ≤ k ≤ L − 1). */
export type SweepVariable = 'N' | 'd' | 'width' | `n${number}`;

/** Values held fixed in one regime of an asymptotic bound (each has a default). */
export interface HeldValues {
  /** Samples N (default 8). */
  N?: number;
  /** Input dimension d of synthetic data (default 16; a named data set has its own). */
  d?: number;
  /** Depth L = number of weight matrices (default 2). */
  depth?: number;
  /** Hidden widths: one value for every layer, or the list n_1..n_{L−1} (default 64). */
  widths?: number | readonly number[];
  init?: 'standard' | 'he' | 'lecun';
  /** A synthetic family or a named data set (default 'gaussian'). */
  data?: DataSource;
  normalize?: Normalization;
}

export interface AsymptoticClaim {
  /** y, the quantity claimed to scale: a side like lhs/rhs; it must be certified > 0 on every draw. */
  quantity: Side;
  /** y in words, for reports (default 'y'), e.g. 'λ_min(K^(L))'. */
  name?: string;
  /** Θ (two-sided), O (y grows at most like x^e) or Ω (at least like x^e). */
  relation: ScalingRelation | 'Θ' | 'Ω';
  /** The claimed exponent e of x. */
  exponent: number;
  /** Half-width of the accepted exponent band (default 0.1). */
  tolerance?: number;
  /** The swept variable, or several swept together (x = their product). */
  sweep: SweepVariable | readonly SweepVariable[];
  /** The sizes given to the swept variable(s): ≥ 3 distinct positive integers, max/min ≥ 10. */
  sizes: readonly number[];
  /** The other variables, held fixed: one regime, or a list of regimes fitted separately. */
  hold?: HeldValues | readonly HeldValues[];
  /** Draws per size and regime: at least `min` (default 4), at most `max` (default 24). */
  draws?: { min?: number; max?: number };
}

/** Defaults of the held variables. */
export const HOLD_DEFAULTS = { N: 8, d: 16, depth: 2, widths: 64, init: 'standard', data: 'gaussian', normalize: 'none' } as const;

const RELATIONS: Record<string, ScalingRelation> = { Theta: 'Theta', O: 'O', Omega: 'Omega', Θ: 'Theta', Ω: 'Omega' };
export const RELATION_SYMBOL: Record<ScalingRelation, string> = { Theta: 'Θ', O: 'O', Omega: 'Ω' };

const claimShape = z.strictObject({
  quantity: z.unknown(),
  name: z.string().min(1).max(80).optional(),
  relation: z.unknown(),
  exponent: z.unknown(),
  tolerance: z.unknown().optional(),
  sweep: z.unknown(),
  sizes: z.unknown(),
  hold: z.unknown().optional(),
  draws: z.unknown().optional(),
});

const holdShape = z.strictObject({
  N: z.unknown().optional(),
  d: z.unknown().optional(),
  depth: z.unknown().optional(),
  widths: z.unknown().optional(),
  init: z.unknown().optional(),
  data: z.unknown().optional(),
  normalize: z.unknown().optional(),
});

/** A regime after validation: the held descriptor fields and its label. */
type Regime = Pick<AuditDescriptor, 'n' | 'd' | 'depth' | 'widths' | 'init' | 'data' | 'normalize'> & { label: string };

export interface ResolvedClaim {
  quantity: Side;
  name: string;
  relation: ScalingRelation;
  exponent: number;
  tolerance: number;
  sweep: SweepVariable[];
  /** The name of x in reports: the swept variables joined by '·'. */
  variable: string;
  sizes: number[];
  regimes: Regime[];
  minDraws: number;
  maxDraws: number;
}

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** Validates an asymptotic claim; every defect is a one-line UserError naming the bound and the field. */
export function resolveAsymptotic(id: string, a: unknown): ResolvedClaim {
  const fail = (msg: string): never => {
    throw new UserError(`defineBound(${id}): asymptotic.${msg}`);
  };
  if (!a || typeof a !== 'object' || Array.isArray(a))
    throw new UserError(`defineBound(${id}): asymptotic must be an object { quantity, relation, exponent, sweep, sizes, hold?, tolerance?, draws? }`);
  const shape = claimShape.safeParse(a);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
    fail(
      keys
        ? `${keys}: unknown field (known: quantity, name, relation, exponent, tolerance, sweep, sizes, hold, draws)`
        : `${issue.path.join('.')}: ${issue.message}`,
    );
  }
  const c = a as Record<string, unknown>;
  if (typeof c.quantity !== 'function')
    fail(`quantity must be a function (q) => number, the y of y = Θ(x^e), got ${c.quantity === undefined ? 'nothing' : typeof c.quantity}`);
  const relation = typeof c.relation === 'string' ? RELATIONS[c.relation] : undefined;
  if (!relation) fail(`relation must be 'Theta', 'O' or 'Omega' (or 'Θ', 'Ω'), got ${JSON.stringify(c.relation)}`);
  if (typeof c.exponent !== 'number' || !Number.isFinite(c.exponent))
    fail(`exponent must be a finite number, got ${JSON.stringify(c.exponent) ?? String(c.exponent)}`);
  const tolerance = c.tolerance === undefined ? DEFAULT_SCALING_TOLERANCE : c.tolerance;
  if (typeof tolerance !== 'number' || !(tolerance > 0 && tolerance < 10))
    fail(`tolerance must be a number in (0, 10) (the half-width of the exponent band), got ${JSON.stringify(c.tolerance)}`);

  const sweepRaw = typeof c.sweep === 'string' ? [c.sweep] : c.sweep;
  if (!Array.isArray(sweepRaw) || sweepRaw.length === 0)
    fail(`sweep must name the swept variable: 'N', 'd', 'width' or 'n1', 'n2', … (or a list of them), got ${JSON.stringify(c.sweep)}`);
  const sweep = sweepRaw as unknown[];
  for (const v of sweep)
    if (typeof v !== 'string' || !/^(N|d|width|n[1-9][0-9]*)$/.test(v))
      fail(`sweep: unknown variable ${JSON.stringify(v)} (known: 'N', 'd', 'width' = every hidden width, 'n1' … 'n{L−1}' = one hidden width)`);
  const sw = sweep as SweepVariable[];
  if (new Set(sw).size !== sw.length) fail(`sweep lists a variable twice: ${JSON.stringify(sw)}`);
  if (sw.includes('width') && sw.some((v) => /^n\d/.test(v)))
    fail(`sweep: 'width' already sets every hidden width; do not list ${sw.filter((v) => /^n\d/.test(v)).join(', ')} with it`);

  const sizes = c.sizes;
  if (!Array.isArray(sizes) || !sizes.every((s) => isInt(s, 1))) fail(`sizes must be a list of positive integers, got ${JSON.stringify(sizes)}`);
  const sz = [...new Set(sizes as number[])].sort((x, y) => x - y);
  if (sz.length < 3) fail(`sizes needs at least 3 distinct values to fit an exponent, got ${JSON.stringify(sizes)}`);
  if (sz[sz.length - 1] / sz[0] < 10)
    fail(`sizes must span at least one decade (max/min ≥ 10) for the exponent to be identifiable, got ${sz[0]}…${sz[sz.length - 1]}`);
  if (sw.includes('N') && sz[0] < 2) fail(`sizes: N starts at 2 (a kernel on one sample has no spectrum to scale), got ${sz[0]}`);

  let minDraws = 4,
    maxDraws = 24;
  if (c.draws !== undefined) {
    const dr = c.draws as { min?: unknown; max?: unknown };
    if (!dr || typeof dr !== 'object' || Object.keys(dr).some((k) => k !== 'min' && k !== 'max'))
      fail(`draws must be { min?, max? }, got ${JSON.stringify(c.draws)}`);
    if (dr.min !== undefined) {
      if (!isInt(dr.min, 2)) fail(`draws.min must be an integer ≥ 2, got ${JSON.stringify(dr.min)}`);
      minDraws = dr.min as number;
    }
    if (dr.max !== undefined) {
      if (!isInt(dr.max, 1) || (dr.max as number) < minDraws) fail(`draws.max must be an integer ≥ draws.min (${minDraws}), got ${JSON.stringify(dr.max)}`);
      maxDraws = dr.max as number;
    } else maxDraws = Math.max(maxDraws, minDraws);
  }

  const holds = c.hold === undefined ? [{}] : Array.isArray(c.hold) ? (c.hold as unknown[]) : [c.hold];
  if (holds.length === 0) fail('hold must be an object or a non-empty list of objects (one regime each)');
  const regimes = holds.map((h, i) => resolveHold(h, holds.length > 1 ? `hold[${i}]` : 'hold', sw, fail));
  const labels = new Set<string>();
  for (const r of regimes) {
    if (labels.has(r.label)) fail(`hold: two regimes are the same (${r.label})`);
    labels.add(r.label);
  }
  return {
    quantity: c.quantity as Side,
    name: typeof c.name === 'string' ? c.name : 'y',
    relation: relation!,
    exponent: c.exponent as number,
    tolerance: tolerance as number,
    sweep: sw,
    variable: sw.join('·'),
    sizes: sz,
    regimes,
    minDraws,
    maxDraws,
  };
}

function resolveHold(h: unknown, where: string, sweep: SweepVariable[], fail: (m: string) => never): Regime {
  if (!h || typeof h !== 'object' || Array.isArray(h))
    fail(`${where} must be an object { N?, d?, depth?, widths?, init?, data?, normalize? }, got ${JSON.stringify(h)}`);
  const shape = holdShape.safeParse(h);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    fail(
      `${where}: ${issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')} (known: N, d, depth, widths, init, data, normalize)` : issue.message}`,
    );
  }
  const o = h as HeldValues;
  const swept = (v: string) => sweep.includes(v as SweepVariable) || (v === 'widths' && sweep.some((s) => s === 'width' || /^n\d/.test(s)));
  for (const [k, name] of [
    ['N', 'N'],
    ['d', 'd'],
  ] as const)
    if (o[k] !== undefined && swept(name)) fail(`${where}.${k}: ${k} is swept, it cannot also be held`);
  if (o.widths !== undefined && sweep.includes('width')) fail(`${where}.widths: every hidden width is swept ('width'), it cannot also be held`);
  const n = o.N ?? HOLD_DEFAULTS.N;
  if (!isInt(n, 1)) fail(`${where}.N must be a positive integer, got ${JSON.stringify(o.N)}`);
  const depth = o.depth ?? HOLD_DEFAULTS.depth;
  if (!isInt(depth, 1)) fail(`${where}.depth must be a positive integer, got ${JSON.stringify(o.depth)}`);
  const data = o.data ?? HOLD_DEFAULTS.data;
  const known = [...DISTRIBUTION_FAMILIES, ...NAMED_DATASETS] as string[];
  if (typeof data !== 'string' || !known.includes(data)) fail(`${where}.data: unknown data source ${JSON.stringify(data)} (known: ${known.join(', ')})`);
  const named = (NAMED_DATASETS as readonly string[]).includes(data);
  let d = o.d ?? HOLD_DEFAULTS.d;
  if (named) {
    if (sweep.includes('d')) fail(`sweep: d cannot be swept on the data set '${data}' (its dimension is ${namedDatasetDim(data as NamedDataset)})`);
    if (o.d !== undefined) fail(`${where}.d: the data set '${data}' has its own dimension (${namedDatasetDim(data as NamedDataset)})`);
    d = namedDatasetDim(data as NamedDataset);
    const rows = loadNamedPopulation(data as NamedDataset).x.rows;
    if (n > rows) fail(`${where}.N = ${n} exceeds the ${rows} usable rows of '${data}'`);
  }
  if (!isInt(d, 1)) fail(`${where}.d must be a positive integer, got ${JSON.stringify(o.d)}`);
  const hidden = depth - 1;
  for (const v of sweep) {
    if (v === 'width' && hidden === 0) fail(`sweep: 'width' needs hidden layers, but ${where}.depth = 1`);
    const m = /^n(\d+)$/.exec(v);
    if (m && Number(m[1]) > hidden) fail(`sweep: ${v} is not a hidden layer of depth ${depth} (hidden widths n1 … n${hidden})`);
  }
  let widths: number[];
  const w = o.widths ?? HOLD_DEFAULTS.widths;
  if (typeof w === 'number') {
    if (!isInt(w, 1)) fail(`${where}.widths must be a positive integer or a list of them, got ${JSON.stringify(o.widths)}`);
    widths = Array(hidden).fill(w);
  } else if (Array.isArray(w) && w.every((x) => isInt(x, 1))) {
    if (w.length !== hidden) fail(`${where}.widths lists ${w.length} width(s) but depth ${depth} has ${hidden} hidden layer(s)`);
    widths = [...w];
  } else return fail(`${where}.widths must be a positive integer or a list of them, got ${JSON.stringify(o.widths)}`);
  const init = o.init ?? HOLD_DEFAULTS.init;
  if (!['standard', 'he', 'lecun'].includes(init)) fail(`${where}.init must be 'standard', 'he' or 'lecun', got ${JSON.stringify(o.init)}`);
  const normalize = o.normalize ?? HOLD_DEFAULTS.normalize;
  if (!NORMALIZATIONS.includes(normalize))
    fail(`${where}.normalize: unknown normalisation ${JSON.stringify(o.normalize)} (known: ${NORMALIZATIONS.join(', ')})`);
  const parts: string[] = [];
  if (!swept('N')) parts.push(`N=${n}`);
  if (!swept('d') && !named) parts.push(`d=${d}`);
  parts.push(`L=${depth}`);
  // Hidden widths matter only to the finite network: listed when held explicitly or partly swept.
  if (hidden > 0 && !sweep.includes('width') && (o.widths !== undefined || sweep.some((v) => /^n\d/.test(v))))
    parts.push(`widths=[${widths.map((x, k) => (sweep.includes(`n${k + 1}` as SweepVariable) ? `n${k + 1}` : String(x))).join(',')}]`);
  if (init !== 'standard') parts.push(`init=${init}`);
  parts.push(data + (normalize !== 'none' ? `/${normalize}` : ''));
  return { label: parts.join(', '), n, d, depth, widths, init, data, normalize };
}

/** The descriptor of one draw: the regime's held values with the swept variables set to `size`. */
export function designDescriptor(claim: Pick<ResolvedClaim, 'sweep'>, regime: Regime, size: number, seed: string): AuditDescriptor {
  const widths = regime.widths.slice();
  for (const v of claim.sweep) {
    if (v === 'width') widths.fill(size);
    const m = /^n(\d+)$/.exec(v);
    if (m) widths[Number(m[1]) - 1] = size;
  }
  return {
    n: claim.sweep.includes('N') ? size : regime.n,
    d: claim.sweep.includes('d') ? size : regime.d,
    depth: regime.depth,
    widths,
    init: regime.init,
    data: regime.data,
    normalize: regime.normalize,
    seed,
  };
}

/** x of a descriptor: the product of the swept variables. */
export function sweptValue(claim: Pick<ResolvedClaim, 'sweep'>, desc: AuditDescriptor): number {
  let x = 1;
  for (const v of claim.sweep) {
    if (v === 'N') x *= desc.n;
    else if (v === 'd') x *= desc.d;
    else if (v === 'width') x *= desc.widths[0] ?? NaN;
    else x *= desc.widths[Number(v.slice(1)) - 1] ?? NaN;
  }
  return x;
}

/** The law's text, e.g. 'λ = Θ(d^1) ± 0.1'. */
export function lawText(c: Pick<ResolvedClaim, 'name' | 'relation' | 'exponent' | 'tolerance' | 'variable'>): string {
  const x = c.variable.includes('·') ? `(${c.variable})` : c.variable;
  return `${c.name} = ${RELATION_SYMBOL[c.relation]}(${x}^${c.exponent}), exponent tolerance ±${c.tolerance}`;
}

/**
 * The Theorem of an asymptotic bound: a `scalingLaw` whose design sweeps the declared variable over
 * `sizes` in each held regime, and a per-draw conclusion that certifies y > 0 (y = the quantity, with the
 * corner-evaluation error bound of every side; see defineBound.ts).
 */
export function asymptoticBound(spec: AsymptoticBoundSpec, assumptions: (inst: AuditInstance) => string | null): AuditTheorem {
  if (spec.kind !== undefined && spec.kind !== 'asymptotic')
    throw new UserError(`defineBound(${spec.id}): an asymptotic bound has kind 'asymptotic', got ${JSON.stringify(spec.kind)}`);
  const claim = resolveAsymptotic(spec.id, spec.asymptotic);
  const byLabel = new Map(claim.regimes.map((r) => [r.label, r]));
  const design = (p: { regime: string; size: number; seed: string }): AuditDescriptor => {
    const r = byLabel.get(p.regime);
    if (!r) throw new RangeError(`${spec.id}: unknown regime ${p.regime}`);
    return designDescriptor(claim, r, p.size, p.seed);
  };
  const law: ScalingLaw<AuditDescriptor> = {
    variable: claim.variable,
    quantity: claim.name,
    relation: claim.relation,
    exponent: claim.exponent,
    tolerance: claim.tolerance,
    sizes: claim.sizes,
    regimes: claim.regimes.map((r) => r.label),
    design,
    minDraws: claim.minDraws,
    maxDraws: claim.maxDraws,
  };
  const side = claim.quantity;
  const conclude = (inst: AuditInstance, desc: AuditDescriptor): Evaluation => {
    let y = evaluateSide(side, inst, 'quantity', { sensitivity: false });
    const zero = { ...y, value: 0, error: 0, arithmetic: 'interval' as const };
    if (needsSensitivity('>', y, zero)) y = withSensitivity(side, inst, 'quantity', y);
    const x = sweptValue(claim, desc);
    return positiveDraw(y, { N: inst.x.rows, d: inst.x.cols, L: inst.depth, [claim.variable]: x, ...y.quantities });
  };
  const descriptors = sweepDescriptors(law.regimes, claim.sizes, design);
  return {
    id: spec.id,
    title: spec.title ?? spec.statement,
    source: spec.source ?? { paper: 'user proposal', statement: spec.statement },
    kind: 'asymptotic',
    statement: spec.statement,
    ...(spec.statementTex !== undefined ? { statementTex: spec.statementTex } : {}),
    conventions: {
      scaling: `${lawText(claim)}; x = ${claim.variable}; sizes ${claim.sizes.join(', ')}; regimes: ${law.regimes.join(' | ')}`,
      ...(spec.conventions ?? {}),
    },
    constants: [
      { name: 'exponent', value: claim.exponent, provenance: 'user', note: `claimed exponent of ${claim.variable}` },
      { name: 'tolerance', value: claim.tolerance, provenance: 'user', note: 'half-width of the accepted exponent band' },
      ...(spec.constants ?? []),
    ],
    descriptors,
    materialize: (desc) => materializeDescriptor(desc),
    assumptions: (inst) => assumptions(inst),
    conclude,
    encodeInstance: (i) => encodeAuditInstance(i),
    decodeInstance: (e) => decodeAuditInstance(e),
    scalingLaw: law,
    ...(spec.expectRefuted ? { expectRefuted: true } : {}),
    costHint: spec.costHint ?? 25,
    [AUDIT_BOUND]: spec,
  };
}
