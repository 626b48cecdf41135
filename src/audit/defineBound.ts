import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { statementTexProblem } from '../report/tex.ts';
import {
  drawSubset,
  loadFilePopulation,
  loadNamedPopulation,
  namedDatasetDim,
  NAMED_DATASETS,
  type NamedDataset,
  NORMALIZATIONS,
  normalizeRows,
  type Normalization,
} from '../io/datasets.ts';
import { up } from '../linalg/blas.ts';
import { type Matrix, UNIT_ROUNDOFF } from '../linalg/matrix.ts';
import { nextDown, nextUp, stepsDown, stepsUp } from '../linalg/ulp.ts';
import { DISTRIBUTION_FAMILIES, type DistributionFamily, sampleData } from '../random/distributions.ts';
import { childRng, type Rng, uniformInt } from '../random/rng.ts';
import { decodeNumber, encodeNumber } from '../theorem/codec.ts';
import type { ConstantSpec, Evaluation, Relation, Theorem, TheoremKind } from '../theorem/types.ts';
import { marginOf, TheoremEvaluationError } from '../theorem/verdict.ts';
import { interval, type Interval } from '../linalg/interval.ts';
import { architectureFields, type AuditInstance, type Corner, enclosureOf, instanceFields, type Quantities, quantitiesView } from './quantities.ts';
import { type AsymptoticClaim, asymptoticBound } from './asymptotic.ts';
import {
  containsGeometryFields,
  geometryArbitraries,
  type GeometryFields,
  type GeometryOption,
  mutateGeometry,
  resolveGeometry,
  seedArbitrary,
  shapeRows,
  withMovedRows,
} from './adversarialSpace.ts';
import type { Geometry } from '../random/geometry/index.ts';
import { checkLabelSpec, LABEL_MODELS, type LabelModel, type LabelSpec } from './labels.ts';
import {
  type ArchFields,
  archArbitrary,
  archCellOf,
  archCellSpace,
  archConventions,
  archFieldsIn,
  archOfDescriptor,
  mutateArch,
  resolveArchitectureSpace,
  resolveWidthShape,
  shapeWidthsArbitrary,
  type SpaceArchitecture,
  wideLayerArbitrary,
  type WidthShape,
  widthFieldsIn,
  widthsOfDescriptor,
  withWidthShape,
} from './architectures.ts';

/**
 * `defineBound`: the public way to state a new bound about the NTK and have it audited
 * (`ntk-audit audit FILE.ts`). A bound is `lhs(q) RELATION rhs(q)` over a declarative space of
 * instances; `q` is a {@link Quantities} object whose engine quantities are computed on demand and
 * cached per instance (src/audit/quantities.ts documents each one and its convention).
 *
 * ERROR BOUNDS BY CORNER EVALUATION. Every engine quantity is known only as an enclosure
 * [lower, upper]; your arithmetic on plain numbers cannot carry that. So each side is evaluated
 * at the midpoint of every quantity it read (the reported value), then at corners of the box of
 * the enclosures of the quantities it touched: all 2^k corners when k ≤ 6 quantities were read;
 * otherwise all-lower, all-upper and each single one flipped from both. The error of a side is
 *     2·spread + 1024·u·max|value| (+ your own `error` when a side returns {value, error}),
 * spread = max over corners of |side(corner) − side(midpoint)|.
 * This is RIGOROUS when the side is monotone in each quantity it reads (then its exact value
 * lies between two corners) and when your own arithmetic has a rounding error below
 * 1024·u·|value| (≈ 1e-13 relative: roughly a thousand well-conditioned operations). For a
 * non-monotone expression the corners can miss the extremes; the factor 2 on the spread is a
 * safety margin, not a proof. Consequence for verdicts: a violation needs
 * margin < −(2·spread_lhs + 2·spread_rhs + rounding), i.e. a counterexample is never reported on the
 * strength of the width of an enclosure. A side that is NaN at some corner (e.g. √ of a lower
 * bound ≤ 0) gets an infinite error: the instance is inconclusive.
 *
 * ROUNDING SENSITIVITY. The 1024·u·|value| term assumes well-conditioned arithmetic; a side such as
 * Math.acos(x_i·x_j/(‖x_i‖‖x_j‖)) on the diagonal turns a rounding of 1e-16 in the cosine into 1.5e-8
 * in the angle. So before an instance can be reported violated (and whenever its margin is within
 * 2^20 error bounds, or a side is infinite), each side computed in floating point is re-evaluated on
 * randomly perturbed inputs and with randomly rounded Math functions, and the observed spread,
 * amplified, is added to its error (roundingSensitivity below). This is a statistical estimate in
 * the spirit of CADNA / Verificarlo, not a proof.
 *
 * QUANTITIES beyond the scalars of quantities.ts: labels (declare `instances.labels`; q.y, q.labelModel,
 * q.labelQuadForm(K) = yᵀK⁻¹y), kernels K ∈ 'gram' | 'ntk' | 'nngp' | 'ntk(l)' | 'nngp(l)' | 'hInfinity' |
 * 'empiricalNTK' | 'jacobianGram' (q.lambdaMin(K), q.lambdaMax(K), q.trace(K); as QuantityNames for q.interval:
 * 'lambdaMin(ntk(2))', 'labelQuadForm(hInfinity)', …), geometry (q.minDistance, q.separation, q.norm2X), read-only
 * kernel matrices q.matrix(K) and certified helpers q.certified (docs/conventions.md#labels and the section after it).
 *
 * RIGOROUS ALTERNATIVE: a side may return an Interval (src/linalg/interval.ts: `interval`, and
 * `q.interval('lambdaMinNTK')` for a quantity's enclosure). Its error is then the interval's radius
 * about its midpoint (the hull over the corners, if the side also read plain numbers), with no
 * rounding allowance and no Monte Carlo estimate: the outward-rounded arithmetic covers it. Only
 * arithmetic done with intervals is covered; a result that is a single point (e.g. interval(v) of a
 * value v computed with Math.*) is treated as a float side.
 *
 * ASYMPTOTIC BOUNDS. Instead of instances/lhs/relation/rhs, a bound may state how a quantity scales:
 *
 *   defineBound({
 *     id: 'my.lambda-min-omega-widths',
 *     statement: 'λ_min(K̄) = Ω(n1·n2) at fixed N, d, L = 3',
 *     asymptotic: {
 *       quantity: (q) => q.lambdaMinEmpiricalNTK, name: 'λ_min(K̄)',
 *       relation: 'Omega', exponent: 1,            // 'Theta' | 'O' | 'Omega'; tolerance (default 0.1)
 *       sweep: ['n1', 'n2'], sizes: [16, 40, 100, 250],   // x = n1·n2, both widths set to each size
 *       hold: { N: 8, d: 16, depth: 3 },           // or a list: one regime each, fitted separately
 *     },
 *   });
 *
 * The audit sweeps x over the sizes (≥ 3, spanning ≥ one decade) with independent draws per size,
 * fits the log-log slope of the quantity in x with a Student-t interval, and answers refuted (the
 * interval misses the band exponent ± tolerance; for O / Ω: lies beyond it), survived (inside) or
 * inconclusive, with the fitted exponent and its interval per regime; a refutation is written as
 * replayable evidence (`ntk-audit replay FILE`). src/audit/asymptotic.ts documents every field.
 */

export type DataSource = DistributionFamily | NamedDataset;

export interface InstanceSpace {
  /** Number of samples N, inclusive range. */
  n: [number, number];
  /** Input dimension d (synthetic data; files and named data sets have their own d). Default [2, 16]. */
  d?: [number, number];
  /** Depth L = number of weight matrices. Default [2, 2]. */
  depth?: [number, number];
  /**
   * Hidden widths n_l: [lo, hi] (each layer drawn independently), or a named shape (src/audit/architectures.ts,
   * docs/api.md#architectures): { shape: 'constant' | 'pyramidal', range: [lo, hi] } or
   * { shape: 'one-wide', range: [lo, hi], wide: [lo, hi], at?: 'any' | k }. Default [64, 64].
   */
  widths?: [number, number] | WidthShape;
  /** Activations by name (src/ntk/activations/registry.ts). Default ['relu']; shrinks towards the first (relu when listed). */
  activation?: readonly string[];
  /** Bias standard deviations b_std ≥ 0. Default [0]; values > 0 need parameterization 'ntk'; shrinks towards the smallest. */
  bias?: readonly number[];
  /** Parameterisations of the limiting kernels: 'nmm' (default) and/or 'ntk' (neural-tangents, W_std = 1). */
  parameterization?: readonly ('nmm' | 'ntk')[];
  /** Initialisation of the finite network (β_l = 1, or He / LeCun scaling). Default ['standard']. */
  init?: readonly ('standard' | 'he' | 'lecun')[];
  /**
   * Synthetic families and/or named data sets ('gaussian', 'unit-sphere', 'sqrt-d-sphere',
   * 'gaussian-scaled', 'rademacher', 'mnist', 'iris'), or one data file / data set resampled into
   * seeded subsets. Default ['gaussian'].
   */
  data?: readonly DataSource[] | { file: string | URL; normalize?: Normalization } | { dataset: NamedDataset; normalize?: Normalization };
  /** Normalisation applied to every drawn data set (default 'none'; see src/io/datasets.ts). */
  normalize?: Normalization | readonly Normalization[];
  /**
   * Structured data geometries drawn alongside i.i.d. rows, and the targeted search over point coordinates
   * (src/audit/adversarialSpace.ts, src/random/geometry/index.ts, src/search/adversarial.ts): a list of
   * 'iid', 'near-duplicate', 'antipodal', 'clusters', 'subspace', 'separated', 'mixture', 'heavy-tailed', or
   * 'adversarial' for all of them. Default: none (i.i.d. rows only, no point moves).
   */
  geometry?: GeometryOption;
  /**
   * Labels y of each instance (q.y, q.labelQuadForm): one or more label models of src/audit/labels.ts
   * ('rademacher', 'gaussian', 'teacher', 'linear-teacher', 'worst-ntk', 'worst-nngp', 'worst-hInfinity', 'worst-gram') and sign-flip
   * noise fractions in [0, 1] (default [0]). Each instance draws one model and one noise level; the labels are a
   * deterministic function of the data and the instance seed. Default: no labels.
   */
  labels?: { model: LabelModel | readonly LabelModel[]; noise?: number | readonly number[] };
}

/** The descriptor of one instance: plain JSON, shrinkable by fast-check. */
export interface AuditDescriptor {
  [key: string]: unknown;
  n: number;
  d: number;
  depth: number;
  /** Length maxDepth − 1; only the first depth − 1 are used. */
  widths: number[];
  init: 'standard' | 'he' | 'lecun';
  data: string;
  normalize: Normalization;
  seed: string;
  /** Spaces that declare `geometry` only (src/audit/adversarialSpace.ts). */
  geometry?: GeometryFields['geometry'];
  k?: number;
  moves?: GeometryFields['moves'];
  /** Spaces that declare activation, bias or parameterization only (src/audit/architectures.ts). */
  activation?: ArchFields['activation'];
  bias?: ArchFields['bias'];
  parameterization?: ArchFields['parameterization'];
  /** Spaces with widths { shape: 'one-wide' } only: the wide layer's position and width. */
  wideAt?: number;
  wide?: number;
}

/** A side: a number, a number with your own error bound, or an Interval (src/linalg/interval.ts). */
export type Side = (q: Quantities) => number | { value: number; error: number } | Interval;

/** What every bound states, whatever its form. */
interface BoundSpecCommon {
  id: string;
  /** One-line statement with symbols, e.g. 'λ_min(K^(L)) ≤ (L/N)·Σ‖x_i‖²'. */
  statement: string;
  /**
   * Optional: the same statement with its mathematics in TeX for the HTML report, text with inline $…$ math
   * (src/report/tex.ts), e.g. String.raw`$\lambda_{\mathrm{min}}(K^{(L)}) \le (L/N) \sum_i \lVert x_i \rVert^2$`. Checked when the
   * bound is defined; without it the report shows `statement`.
   */
  statementTex?: string;
  title?: string;
  /** Assumptions on an instance: a predicate (false or a string = broken), or named predicates. */
  assume?: ((q: Quantities) => boolean | string | null | undefined) | Record<string, (q: Quantities) => boolean>;
  constants?: ConstantSpec[];
  /** Where the bound comes from (default: a user proposal). */
  source?: { paper: string; arxiv?: string; statement: string };
  conventions?: Record<string, string | number | boolean>;
  /** Rough evaluations per second (turns --budget into instance counts, or draws per size). Default 25. */
  costHint?: number;
  /** Marks a bound you expect to be false (reports then call a refutation "as expected"). */
  expectRefuted?: boolean;
}

/** An explicit inequality `lhs RELATION rhs` over a space of instances. */
export interface InequalitySpec extends BoundSpecCommon {
  /** The instance space, or (experts) a fast-check arbitrary of AuditDescriptor. */
  instances: InstanceSpace | fc.Arbitrary<AuditDescriptor>;
  lhs: Side;
  relation: Relation;
  rhs: Side;
  kind?: TheoremKind;
  /** High-probability claims only: the allowed failure probability δ. */
  delta?: number;
  /** Extra coverage cells (e.g. { regime: q.d >= q.N ? 'd ≥ N' : 'd < N' }). */
  cells?: (q: Quantities) => Record<string, string>;
  asymptotic?: undefined;
}

/**
 * An asymptotic bound y = Θ / O / Ω(x^e) as the swept variable x grows, judged by its fitted exponent
 * (src/audit/asymptotic.ts documents the claim, the sweep and the verdict).
 */
export interface AsymptoticBoundSpec extends BoundSpecCommon {
  asymptotic: AsymptoticClaim;
  kind?: 'asymptotic';
  instances?: undefined;
  lhs?: undefined;
  relation?: undefined;
  rhs?: undefined;
}

export type BoundSpec = InequalitySpec | AsymptoticBoundSpec;

/** A proposal defect that makes the whole bound ill-posed (not a fact about one instance). */
export class ProposalDefectError extends TheoremEvaluationError {
  readonly defect: 'nan' | 'type';
  constructor(message: string, defect: 'nan' | 'type') {
    super(message);
    this.name = 'ProposalDefectError';
    this.defect = defect;
  }
}

const DEFAULT_CONVENTIONS = {
  network: 'Nguyen–Mondelli–Montúfar 2021: f_l = σ(W_lᵀ f_{l−1}), no biases, ReLU',
  c_σ: 2,
  "σ'(0)": 0,
  'H∞': 'on unit-normalised rows x_i/‖x_i‖',
  errors:
    'corner evaluation over the enclosures of the quantities read (rigorous for sides monotone in each), plus a Monte Carlo rounding-sensitivity estimate near the verdict boundary; sides returning an interval: its radius (rigorous)',
};

function isArbitrary(x: unknown): x is fc.Arbitrary<AuditDescriptor> {
  return x instanceof fc.Arbitrary;
}

function checkRange(name: string, r: unknown, min: number): [number, number] {
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => Number.isInteger(v)) || r[0] < min || r[0] > r[1]) {
    throw new UserError(`defineBound: instances.${name} must be [lo, hi] integers with ${min} ≤ lo ≤ hi, got ${JSON.stringify(r)}`);
  }
  return [r[0], r[1]];
}

/**
 * A data file named by the proposal. A relative path is resolved against the directory of the module that
 * called defineBound, so that a proposal and its data move together and load from any working directory;
 * when no such file exists there but one does relative to the working directory, that one is used.
 */
function filePath(f: string | URL, moduleFile: string | undefined): string {
  if (f instanceof URL) return fileURLToPath(f);
  if (f.startsWith('file:')) return fileURLToPath(f);
  if (isAbsolute(f)) return f;
  if (moduleFile) {
    const near = resolve(dirname(moduleFile), f);
    if (existsSync(near) || !existsSync(resolve(f))) return near;
  }
  return resolve(f);
}

const THIS_FILE = fileURLToPath(import.meta.url);

/**
 * The file of the module that called defineBound: the first stack frame outside this file and outside
 * node_modules (best effort: undefined when the stack names no file).
 */
function callerFile(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  for (const line of stack.split('\n').slice(1)) {
    const m = /(file:\/\/[^\s)]+?|\/[^\s()]+?|[A-Za-z]:\\[^\s()]+?)(\?[^\s():]*)?:\d+:\d+\)?\s*$/.exec(line.trim());
    if (!m) continue;
    let file: string;
    try {
      file = m[1].startsWith('file:') ? fileURLToPath(m[1]) : m[1];
    } catch {
      continue;
    }
    if (file === THIS_FILE || file.endsWith('/src/audit/asymptotic.ts') || /[\\/]node_modules[\\/]/.test(file)) continue;
    return existsSync(file) ? file : undefined;
  }
  return undefined;
}

/** Where a bound made by defineBound came from: the module that defined it, and its data file. */
export interface BoundOrigin {
  /** The module file that called defineBound (from the call stack; undefined when unknown). */
  module?: string;
  /** The absolute path of its data file (instances.data = { file }). */
  dataFile?: string;
}

const ORIGINS = new WeakMap<object, BoundOrigin>();

/** The origin of a bound made by defineBound ({} for other theorems). */
export function boundOrigin(bound: object): BoundOrigin {
  return ORIGINS.get(bound) ?? {};
}

interface ResolvedSpace {
  n: [number, number];
  d: [number, number];
  depth: [number, number];
  widths: [number, number];
  init: readonly ('standard' | 'he' | 'lecun')[];
  sources: readonly string[];
  normalize: readonly Normalization[];
  file?: string;
  geometry?: readonly Geometry[];
  labels?: { models: readonly LabelModel[]; noise: readonly number[] };
  /** Declared activation / bias / parameterisation dimensions (absent: ReLU, no bias, 'nmm'). */
  arch?: SpaceArchitecture;
  /** A named width shape (absent: every layer drawn independently from `widths`). */
  widthShape?: WidthShape;
}

/** Shape of `instances` (values are checked in detail below); anything else is a one-line UserError. */
const instanceSpaceShape = z.object({
  n: z.unknown(),
  d: z.unknown().optional(),
  depth: z.unknown().optional(),
  widths: z.unknown().optional(),
  init: z.array(z.string()).optional(),
  data: z
    .union([
      z.array(z.string()),
      z.object({ file: z.union([z.string().min(1), z.instanceof(URL)]), normalize: z.string().optional() }),
      z.object({ dataset: z.string(), normalize: z.string().optional() }),
    ])
    .optional(),
  normalize: z.union([z.string(), z.array(z.string())]).optional(),
  geometry: z.unknown().optional(), // checked by resolveGeometry, whose message lists the families
  labels: z.unknown().optional(),
  activation: z.unknown().optional(), // checked by resolveArchitectureSpace, whose messages list the choices
  bias: z.unknown().optional(),
  parameterization: z.unknown().optional(),
});

/** instances.labels, checked (module comment of src/audit/labels.ts). */
function resolveLabels(l: unknown): { models: readonly LabelModel[]; noise: readonly number[] } | undefined {
  if (l === undefined) return undefined;
  if (l === null || typeof l !== 'object' || Array.isArray(l))
    throw new UserError(`defineBound: instances.labels must be { model, noise? } (models: ${LABEL_MODELS.join(', ')})`);
  const o = l as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'model' && k !== 'noise');
  if (extra.length > 0) throw new UserError(`defineBound: instances.labels has unknown key ${JSON.stringify(extra[0])} (expected model, noise)`);
  const models = Array.isArray(o.model) ? o.model : [o.model];
  const noise = o.noise === undefined ? [0] : Array.isArray(o.noise) ? o.noise : [o.noise];
  if (models.length === 0 || noise.length === 0) throw new UserError('defineBound: instances.labels: model and noise must not be empty lists');
  for (const m of models) for (const p of noise) checkLabelSpec(m, p, 'defineBound: instances.labels');
  return { models: [...new Set(models as LabelModel[])], noise: [...new Set(noise as number[])] };
}

/** Adds the label model to the descriptors of a space that declares labels (fields `labels`, `labelNoise`). */
function withLabelArbitrary(base: fc.Arbitrary<AuditDescriptor>, s: ResolvedSpace): fc.Arbitrary<AuditDescriptor> {
  const l = s.labels;
  if (!l) return base;
  return fc.tuple(base, fc.constantFrom(...l.models), fc.constantFrom(...l.noise)).map(([d, model, noise]) => ({ ...d, labels: model, labelNoise: noise }));
}

/** Adds the architecture fields (activation, bias, parameterization; wideAt, wide) of a space that declares them. */
function withArchArbitrary(base: fc.Arbitrary<AuditDescriptor>, s: ResolvedSpace): fc.Arbitrary<AuditDescriptor> {
  let out = base;
  const wide = wideLayerArbitrary(s.widthShape, s.depth);
  if (wide) out = fc.tuple(out, wide).map(([d, w]) => ({ ...d, ...w }));
  const arch = archArbitrary(s.arch);
  if (arch) out = fc.tuple(out, arch).map(([d, a]) => ({ ...d, ...a }));
  return out;
}

/** The label spec of a descriptor (undefined when it has none). */
function labelsOfDescriptor(desc: AuditDescriptor): LabelSpec | undefined {
  if (desc.labels === undefined) return undefined;
  return checkLabelSpec(desc.labels, desc.labelNoise ?? 0, 'descriptor');
}

/** Coverage cells by label model (and noise), when the space declares more than one. */
function labelCellSpace(s: ResolvedSpace | null): Record<string, readonly string[]> {
  const l = s?.labels;
  if (!l || l.models.length * l.noise.length < 2) return {};
  return { labels: l.models.flatMap((m) => l.noise.map((p) => labelCellOf(m, p))) };
}
const labelCellOf = (model: unknown, noise: unknown): string => `${String(model)}${noise ? ` + noise ${String(noise)}` : ''}`;

/** Whether the label fields of a descriptor are ones the space can draw (and how many keys they add). */
function labelFieldsIn(d: Record<string, unknown>, s: ResolvedSpace): { ok: boolean; keys: number } {
  if (!s.labels) return { ok: d.labels === undefined && d.labelNoise === undefined, keys: 0 };
  return { ok: (s.labels.models as readonly unknown[]).includes(d.labels) && (s.labels.noise as readonly unknown[]).includes(d.labelNoise), keys: 2 };
}

function resolveSpace(s: InstanceSpace, moduleFile: string | undefined): ResolvedSpace {
  const shape = instanceSpaceShape.safeParse(s);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    throw new UserError(
      `defineBound: instances${issue.path.length ? '.' + issue.path.join('.') : ''}: ${issue.message} (expected { n: [lo, hi], d?, depth?, widths?, init?, data?, normalize?, labels?, geometry?, activation?, bias?, parameterization? } or a fast-check arbitrary)`,
    );
  }
  let n = checkRange('n', s.n, 1);
  let d = checkRange('d', s.d ?? [2, 16], 1);
  // Subsets of a finite population have at most its number of (usable) rows: the range says so, so
  // that coverage never lists sizes that were not run.
  const capN = (rows: number, what: string) => {
    if (rows < n[0])
      throw new UserError(`defineBound: instances.n starts at ${n[0]} but ${what} has only ${rows} usable rows (after dropping duplicate and zero rows)`);
    if (rows < n[1]) n = [n[0], rows];
  };
  const depth = checkRange('depth', s.depth ?? [2, 2], 1);
  const widthShape = resolveWidthShape(s.widths, depth);
  const widths = widthShape ? widthShape.range : checkRange('widths', s.widths ?? [64, 64], 1);
  const arch = resolveArchitectureSpace(s.activation, s.bias, s.parameterization);
  const init = s.init ?? ['standard'];
  if (init.length === 0 || !init.every((i) => ['standard', 'he', 'lecun'].includes(i)))
    throw new UserError(`defineBound: instances.init must list 'standard', 'he' or 'lecun'`);
  let normalize: readonly Normalization[] = s.normalize === undefined ? ['none'] : typeof s.normalize === 'string' ? [s.normalize] : s.normalize;
  let sources: readonly string[];
  let file: string | undefined;
  const data = s.data ?? ['gaussian'];
  if (Array.isArray(data)) {
    const known = [...DISTRIBUTION_FAMILIES, ...NAMED_DATASETS] as string[];
    const bad = data.find((x) => !known.includes(x));
    if (data.length === 0 || bad !== undefined) throw new UserError(`defineBound: unknown data source ${JSON.stringify(bad)} (known: ${known.join(', ')})`);
    sources = data;
    if (data.every((x) => (NAMED_DATASETS as readonly string[]).includes(x))) {
      d = [namedDatasetDim(data[0] as NamedDataset), namedDatasetDim(data[0] as NamedDataset)];
      for (const name of data) capN(loadNamedPopulation(name as NamedDataset).x.rows, `data set '${name}'`);
    }
  } else if ('file' in data) {
    file = filePath(data.file, moduleFile);
    const pop = loadFilePopulation(file); // validates now: a bad file makes the proposal ill-posed at load
    d = [pop.x.cols, pop.x.cols];
    capN(pop.x.rows, `data file ${file}`);
    sources = ['file'];
    if (data.normalize) normalize = [data.normalize];
  } else if ('dataset' in data) {
    if (!(NAMED_DATASETS as readonly string[]).includes(data.dataset))
      throw new UserError(`defineBound: unknown dataset ${JSON.stringify(data.dataset)} (known: ${NAMED_DATASETS.join(', ')})`);
    sources = [data.dataset];
    d = [namedDatasetDim(data.dataset), namedDatasetDim(data.dataset)];
    capN(loadNamedPopulation(data.dataset).x.rows, `data set '${data.dataset}'`);
    if (data.normalize) normalize = [data.normalize];
  } else throw new UserError('defineBound: instances.data must be a list of sources, { file } or { dataset }');
  const badNorm = normalize.find((x) => !NORMALIZATIONS.includes(x));
  if (normalize.length === 0 || badNorm !== undefined)
    throw new UserError(`defineBound: unknown normalisation ${JSON.stringify(badNorm)} (known: ${NORMALIZATIONS.join(', ')})`);
  const geometry = resolveGeometry(s.geometry);
  const labels = resolveLabels(s.labels);
  return {
    n,
    d,
    depth,
    widths,
    init,
    sources,
    normalize,
    ...(file ? { file } : {}),
    ...(geometry ? { geometry } : {}),
    ...(labels ? { labels } : {}),
    ...(arch ? { arch } : {}),
    ...(widthShape ? { widthShape } : {}),
  };
}

/** The fields every descriptor has but its seed, in the order fast-check draws them (the order fixes the draws). */
function shapeArbitraries(s: ResolvedSpace) {
  return {
    n: fc.integer({ min: s.n[0], max: s.n[1] }),
    d: fc.integer({ min: s.d[0], max: s.d[1] }),
    depth: fc.integer({ min: s.depth[0], max: s.depth[1] }),
    widths: shapeWidthsArbitrary(s.widths, s.depth[1] - 1, s.widthShape),
    init: fc.constantFrom(...s.init),
    data: fc.constantFrom(...s.sources),
    normalize: fc.constantFrom(...s.normalize),
  };
}

function arbitraryOf(s: ResolvedSpace): fc.Arbitrary<AuditDescriptor> {
  if (s.geometry) return adversarialArbitraryOf(s, s.geometry);
  return fc.record({ ...shapeArbitraries(s), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }).map(String) });
}

/** A space with geometries: the i.i.d. fields (the seed shrinkable from its value), then geometry, k, moves. */
function adversarialArbitraryOf(s: ResolvedSpace, geometries: readonly Geometry[]): fc.Arbitrary<AuditDescriptor> {
  return fc.record({
    ...shapeArbitraries(s),
    seed: seedArbitrary(),
    ...geometryArbitraries(geometries),
  });
}

function mutateOf(s: ResolvedSpace): (desc: AuditDescriptor, rng: Rng) => AuditDescriptor {
  const base = mutateShapeOf(s);
  if (!s.arch && !s.widthShape) return base;
  return (desc, rng) => {
    const m = rng.next() < 0.25 ? mutateArch(desc, rng, s.arch, s.widthShape, s.depth) : base(desc, rng);
    return s.widthShape ? { ...m, widths: withWidthShape(m.widths, s.widthShape) } : m;
  };
}

function mutateShapeOf(s: ResolvedSpace): (desc: AuditDescriptor, rng: Rng) => AuditDescriptor {
  const iid = mutateIidOf(s);
  const geometries = s.geometry;
  if (!geometries) return iid;
  return (desc, rng) => (rng.next() < 0.25 ? mutateGeometry(desc as AuditDescriptor & GeometryFields, rng, geometries) : iid(desc, rng));
}

function mutateIidOf(s: ResolvedSpace): (desc: AuditDescriptor, rng: Rng) => AuditDescriptor {
  const clamp = (x: number, [lo, hi]: [number, number]) => Math.min(hi, Math.max(lo, x));
  const step = (rng: Rng) => (rng.next() < 0.5 ? -1 : 1) * (1 + uniformInt(rng, 3));
  return (desc, rng) => {
    switch (uniformInt(rng, 6)) {
      case 0:
        return { ...desc, n: clamp(desc.n + step(rng), s.n) };
      case 1:
        return { ...desc, d: clamp(desc.d + step(rng), s.d) };
      case 2:
        return { ...desc, depth: clamp(desc.depth + (rng.next() < 0.5 ? -1 : 1), s.depth) };
      case 3: {
        if (desc.widths.length === 0) return { ...desc, seed: String(uniformInt(rng, 2 ** 31 - 1)) };
        const widths = desc.widths.slice();
        const k = uniformInt(rng, widths.length);
        widths[k] = clamp(Math.round(widths[k] * (rng.next() < 0.5 ? 0.5 : 2)), s.widths);
        return { ...desc, widths };
      }
      case 4:
        return { ...desc, data: s.sources[uniformInt(rng, s.sources.length)], init: s.init[uniformInt(rng, s.init.length)] };
      default:
        return { ...desc, seed: String(uniformInt(rng, 2 ** 31 - 1)) };
    }
  };
}

/**
 * The data rows of a descriptor of a space with geometries, before normalisation: drawn as for an i.i.d.
 * space, then shaped by the geometry and the recorded point moves (src/audit/adversarialSpace.ts).
 */
export function shapedRowsOf(desc: AuditDescriptor & GeometryFields, file?: string): Matrix {
  let x: Matrix;
  if (desc.data === 'file') {
    if (!file) throw new UserError('descriptor uses data "file" but the bound has no data file');
    x = drawSubset(loadFilePopulation(file), desc.n, desc.seed, 'none');
  } else if ((NAMED_DATASETS as readonly string[]).includes(desc.data)) {
    x = drawSubset(loadNamedPopulation(desc.data as NamedDataset), desc.n, desc.seed, 'none');
  } else x = sampleData(childRng(desc.seed, 'data'), { family: desc.data as DistributionFamily }, desc.n, desc.d);
  return shapeRows(x, desc.seed, desc);
}

function hasGeometry(desc: AuditDescriptor): desc is AuditDescriptor & GeometryFields {
  return desc.geometry !== undefined;
}

/** Turns a descriptor into data + architecture (deterministic given the descriptor). */
export function materializeDescriptor(desc: AuditDescriptor, file?: string): AuditInstance {
  let x;
  const norm = desc.normalize ?? 'none';
  if (hasGeometry(desc)) x = normalizeRows(shapedRowsOf(desc, file), norm);
  else if (desc.data === 'file') {
    if (!file) throw new UserError('descriptor uses data "file" but the bound has no data file');
    x = drawSubset(loadFilePopulation(file), desc.n, desc.seed, norm);
  } else if ((NAMED_DATASETS as readonly string[]).includes(desc.data)) {
    x = drawSubset(loadNamedPopulation(desc.data as NamedDataset), desc.n, desc.seed, norm);
  } else {
    x = normalizeRows(sampleData(childRng(desc.seed, 'data'), { family: desc.data as DistributionFamily }, desc.n, desc.d), norm);
  }
  const depth = desc.depth;
  const widths = widthsOfDescriptor(desc, depth);
  const labels = labelsOfDescriptor(desc);
  return { x, depth, widths, init: desc.init, netSeed: desc.seed, data: desc.data, normalize: norm, ...(labels ? { labels } : {}), ...archOfDescriptor(desc) };
}

function bin(v: number, lo: number, hi: number): string {
  if (lo === hi) return String(lo);
  let a = 2 ** Math.floor(Math.log2(Math.max(1, v)));
  let b = 2 * a - 1;
  a = Math.max(a, lo);
  b = Math.min(b, hi);
  return a === b ? String(a) : `${a}–${b}`;
}

function binsOf(lo: number, hi: number): string[] {
  const out = new Set<string>();
  for (let p = 2 ** Math.floor(Math.log2(Math.max(1, lo))); p <= hi; p *= 2) out.add(bin(Math.max(p, lo), lo, hi));
  return [...out];
}

const RATIO_CELLS = ['d/N < 1/4', '1/4 ≤ d/N < 1', 'd/N ≥ 1'] as const;
const ratioCell = (d: number, n: number) => (d >= n ? RATIO_CELLS[2] : 4 * d >= n ? RATIO_CELLS[1] : RATIO_CELLS[0]);

// ------------------------------------------------------------------------------------------------
// Evaluation of a side with corner-based error bounds

/** One evaluation of a side; lo/hi are set when the side returned an Interval. */
interface SideValue {
  value: number;
  error: number;
  lo?: number;
  hi?: number;
}

function checkSide(v: unknown, which: string): SideValue {
  if (typeof v === 'number') return { value: v, error: 0 };
  if (interval.is(v)) return v.isEmpty ? { value: NaN, error: 0 } : { value: v.mid, error: v.radius, lo: v.lo, hi: v.hi };
  if (v !== null && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'number') {
    const e = (v as { error?: unknown }).error ?? 0;
    if (typeof e !== 'number' || !(e >= 0)) throw new ProposalDefectError(`${which} returned an error that is not a number ≥ 0 (${String(e)})`, 'type');
    return { value: (v as { value: number }).value, error: e };
  }
  throw new ProposalDefectError(
    `${which} returned ${v === null ? 'null' : typeof v}${typeof v === 'string' ? ` ${JSON.stringify(v).slice(0, 40)}` : ''}, expected a number, { value, error } or an interval`,
    'type',
  );
}

export interface CornerResult {
  value: number;
  /** Bound on |value − exact| (see the module comment). */
  error: number;
  /** Max over corners of |side(corner) − side(mid)|. */
  spread: number;
  /** Tracked quantities the side read. */
  touched: string[];
  /** Quantities read through q.interval (their enclosures enter an interval side as they are). */
  intervalReads?: string[];
  /** Reads that are no tracked quantity and that the high-precision oracle does not recompute (q.matrix). */
  opaqueReads?: string[];
  /** Midpoint values of the quantities read (also those read through q.interval). */
  quantities: Record<string, number>;
  corners: number;
  /** 'interval' when the side returned an Interval at every evaluation: `error` is then the interval's. */
  arithmetic: 'float' | 'interval';
  /**
   * The amplified Monte Carlo rounding sensitivity included in `error` (see roundingSensitivity);
   * undefined when it was not measured (interval sides, or skipped as unable to change the verdict).
   */
  sensitivity?: number;
}

const ROUNDING = 1024 * UNIT_ROUNDOFF;

/**
 * Evaluates one side at the midpoint and at the corners of the enclosures it touched. With
 * `sensitivity` (the default) the Monte Carlo rounding sensitivity of a side computed in floating
 * point is measured and added to its error; `conclude` instead measures it only when it could
 * matter for the verdict (see needsSensitivity).
 */
export function evaluateSide(side: Side, inst: AuditInstance, which: string, opts: { sensitivity?: boolean } = {}): CornerResult {
  const reads = new Set<string>();
  const intervalReads = new Set<string>();
  const opaqueReads = new Set<string>();
  const mid = checkSide(side(quantitiesView(inst, () => 'mid', reads, { intervalReads, opaqueReads })), which);
  if (Number.isNaN(mid.value)) throw new ProposalDefectError(`${which} returned NaN`, 'nan');
  let touched = [...reads].sort();
  for (let attempt = 0; ; attempt++) {
    const corners = cornerList(touched);
    let spread = 0,
      maxAbs = Math.abs(mid.value),
      userErr = mid.error;
    let isInterval = mid.lo !== undefined,
      lo = mid.lo ?? NaN,
      hi = mid.hi ?? NaN;
    let grown = false;
    for (const c of corners) {
      const r2 = new Set<string>();
      const v = checkSide(side(quantitiesView(inst, (k) => c.get(k) ?? 'mid', r2, { intervalReads, opaqueReads })), which);
      for (const k of r2) if (!touched.includes(k)) grown = true;
      if (grown && attempt < 3) {
        touched = [...new Set([...touched, ...r2])].sort();
        break;
      }
      spread = Math.max(spread, Number.isNaN(v.value) ? Infinity : Math.abs(v.value - mid.value));
      if (Number.isFinite(v.value)) maxAbs = Math.max(maxAbs, Math.abs(v.value));
      userErr = Math.max(userErr, v.error);
      if (v.lo === undefined || v.hi === undefined) isInterval = false;
      else {
        lo = Math.min(lo, v.lo);
        hi = Math.max(hi, v.hi);
      }
    }
    if (grown && attempt < 3) continue;
    // A single point carries no rounding information (e.g. interval(v) of a value computed with plain
    // Math.*): it is treated as a float side, with the rounding allowance and the Monte Carlo estimate.
    if (isInterval && lo === hi) isInterval = false;
    const quantities: Record<string, number> = {};
    for (const k of [...touched, ...intervalReads].sort()) quantities[k] = enclosureOf(inst, k).mid;
    let error: number;
    if (isInterval) {
      // The hull of the intervals over the corners contains the exact value (for an interval side that
      // reads quantities only through q.interval, every corner gives the same interval).
      error =
        Number.isNaN(lo) || Number.isNaN(hi)
          ? Infinity
          : Math.max(hi === mid.value ? 0 : nextUp(hi - mid.value), lo === mid.value ? 0 : nextUp(mid.value - lo));
    } else error = (2 * spread + ROUNDING * maxAbs + userErr) * (1 + 4 * UNIT_ROUNDOFF) + Number.MIN_VALUE;
    const result: CornerResult = {
      value: mid.value,
      error,
      spread,
      touched,
      intervalReads: [...intervalReads].sort(),
      opaqueReads: [...opaqueReads].sort(),
      quantities,
      corners: corners.length,
      arithmetic: isInterval ? 'interval' : 'float',
    };
    return opts.sensitivity === false ? result : withSensitivity(side, inst, which, result);
  }
}

// ------------------------------------------------------------------------------------------------
// Monte Carlo rounding sensitivity (in the spirit of CESTAC/CADNA and Verificarlo's MCA)

/** Number of perturbed re-evaluations of a side. */
export const SENSITIVITY_SAMPLES = 16;
/**
 * Amplification of the observed deviation. Under the CESTAC hypothesis (J. Vignes, "A stochastic
 * arithmetic for reliable scientific computation", Math. Comput. Simulation 35, 1993) the K perturbed results
 * v_1..v_K and the unperturbed v_0 are independent draws of one distribution centred on the exact
 * value with standard deviation σ. Then (v_0 − exact)/s has Student's t distribution with K − 1
 * degrees of freedom, s² = Σ_k (v_k − v̄)²/(K − 1), and the two-sided 1 − 10⁻⁶ quantile of t_15 is
 * 7.90 (@stdlib/stats-base-dists-t-quantile). We use 8 and replace s by the larger
 * √(Σ_k (v_k − v_0)²/(K − 1)) (Σ(v_k − v_0)² = Σ(v_k − v̄)² + K(v̄ − v_0)²), which also absorbs a bias
 * of v_0 visible in the samples (e.g. a cosine clamped at 1, rounded only downwards).
 */
export const SENSITIVITY_FACTOR = 8;
/**
 * `conclude` skips the estimate when margin > SENSITIVITY_GATE × (the error bound without it): such
 * a `holds` could only change if the side's own rounding error exceeded 2^20 · 1024u ≈ 1.2·10⁻⁷ of
 * its magnitude (a loss of more than 9 of the 16 significant digits). Every potential violation, every
 * inconclusive instance, every margin within 2^20 error bounds and every infinite side is measured.
 */
export const SENSITIVITY_GATE = 2 ** 20;

/** Whether the rounding sensitivity of the sides could change the verdict of l RELATION r. */
export function needsSensitivity(relation: Relation, l: CornerResult, r: CornerResult): boolean {
  if (l.arithmetic === 'interval' && r.arithmetic === 'interval') return false;
  const margin = marginOf(relation, l.value, r.value);
  const err = (l.error + r.error + UNIT_ROUNDOFF * (Math.abs(l.value) + Math.abs(r.value))) * (1 + 4 * UNIT_ROUNDOFF);
  return !(Number.isFinite(margin) && Number.isFinite(err) && margin > SENSITIVITY_GATE * err);
}

/** Adds the amplified rounding sensitivity to a float side's error (interval sides are returned as they are). */
export function withSensitivity(side: Side, inst: AuditInstance, which: string, r: CornerResult): CornerResult {
  if (r.arithmetic === 'interval' || r.sensitivity !== undefined) return r;
  const s = roundingSensitivity(side, inst, which, r.value);
  return { ...r, error: s === 0 ? r.error : up(r.error + s), sensitivity: s };
}

/**
 * Monte Carlo estimate of how much rounding moves a side (a statistical estimate, NOT a proof).
 *
 * The side is re-evaluated SENSITIVITY_SAMPLES times on perturbed inputs: every tracked quantity it
 * reads (at its midpoint) and every entry of a COPY of the data matrix q.X is moved by 1 or 2 ulps —
 * a relative perturbation of ±(1–4)u — in a random direction; exact zeros, the integers N, d, L, the
 * widths and the init stay exact, and the engine quantities are not recomputed from the perturbed
 * data (they keep their own rigorous enclosures). The returned error estimate is
 *     SENSITIVITY_FACTOR · √(Σ_k (v_k − v_0)² / (K − 1)),   v_0 = the unperturbed value,
 * rounded up; Infinity when a perturbed evaluation is NaN, jumps to/from an infinity, or throws.
 *
 * What it measures: a backward-stable evaluation computes the exact value at inputs perturbed by a
 * few u (Higham, "Accuracy and Stability", §1.5), so the spread over random perturbations of that
 * size samples the forward error the author's own floating-point arithmetic can have, and also
 * re-randomises the rounding pattern of every later operation. It catches ill-conditioned steps
 * such as Math.acos(x) for x near 1 (a rounding of 1e-16 in x becomes 1.5e-8 in the angle).
 * What it does not guarantee: the perturbations are a sample; an error that no perturbation of
 * this kind excites, or one whose distribution puts v_0 farther out than the t quantile, is not
 * covered. The rigorous path is to return an Interval (src/linalg/interval.ts).
 *
 * The perturbations are seeded from the instance (its data bits, depth, widths, init, network seed)
 * and the side's name only: the estimate does not depend on the worker or on timing.
 */
export function roundingSensitivity(side: Side, inst: AuditInstance, which: string, value: number): number {
  const rng = childRng(instanceSeed(inst), 'rounding-sensitivity', which);
  const randomRounding = randomRoundingOf(rng);
  // One view for all samples; its perturbed X (made on first read) and quantity values are per sample.
  let copy: Matrix | undefined;
  const memo = new Map<string, number>();
  let engine = <S>(g: () => S): S => g();
  const view = quantitiesView(inst, () => 'mid', new Set(), {
    x: () => (copy ??= perturbedCopy(inst.x, rng)),
    adjust: (key, v) => {
      let p = memo.get(key);
      if (p === undefined) {
        p = perturbUlps(v, rng);
        memo.set(key, p);
      }
      return p;
    },
    engine: (g) => engine(g),
  });
  const devs: number[] = [];
  for (let k = 0; k < SENSITIVITY_SAMPLES; k++) {
    copy = undefined;
    memo.clear();
    let r: SideValue;
    try {
      r = randomRounding((e) => {
        engine = e;
        return checkSide(side(view), which);
      });
    } catch (e) {
      // The side evaluated at the unperturbed inputs but fails a few ulps away: its value is not stable.
      if (e instanceof ProposalDefectError) throw e;
      return Infinity;
    }
    if (r.value === value) devs.push(0);
    else {
      const d = Math.abs(r.value - value);
      if (!Number.isFinite(d)) return Infinity; // NaN, or an infinity on one side only
      devs.push(d);
    }
  }
  const m = Math.max(...devs);
  if (m === 0) return 0;
  let ss = 0;
  for (const d of devs) ss += (d / m) ** 2; // scaled: no underflow of tiny deviations
  return up(up(SENSITIVITY_FACTOR * m) * up(Math.sqrt(up(ss / (SENSITIVITY_SAMPLES - 1)))));
}

/** The Math functions whose results are randomly rounded during a perturbed evaluation. */
const RANDOMIZED_MATH = [
  'sqrt',
  'cbrt',
  'hypot',
  'exp',
  'expm1',
  'log',
  'log1p',
  'log2',
  'log10',
  'pow',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'atan2',
  'sinh',
  'cosh',
  'tanh',
  'asinh',
  'acosh',
  'atanh',
] as const;
type MathFn = (...a: number[]) => number;

/**
 * Returns a runner of f with the results of Math's elementary functions moved one ulp up or down at random
 * (Monte Carlo Arithmetic's random rounding, D. S. Parker 1997, as Verificarlo applies it to every
 * floating-point operation, Denis et al. 2016, arXiv 1509.01347; in JavaScript only these calls can
 * be intercepted: + − × ÷ keep round-to-nearest, and the perturbed inputs randomise their rounding). f receives `engine`,
 * which runs an engine computation with the real functions (a quantity computed for the first time
 * during the perturbed evaluation must not be computed, and cached, with perturbed arithmetic). The
 * real functions are restored before returning, also when f throws. Single-threaded: a side is
 * synchronous, and nothing else runs in this thread meanwhile. Limits: functions the proposal
 * captured before the call (const { acos } = Math) are not intercepted; engine functions a side calls
 * directly (not through q) run with the randomized functions — their values are then only sampled,
 * and any table they initialise lazily was normally initialised already by the unperturbed
 * evaluations of the same side, which run first.
 */
function randomRoundingOf(rng: Rng): <T>(f: (engine: <S>(g: () => S) => S) => T) => T {
  const math = Math as unknown as Record<string, MathFn>;
  const real = RANDOMIZED_MATH.map((k) => math[k]);
  const randomized = real.map((g) => (...a: number[]) => {
    const v = g(...a);
    return v === 0 || !Number.isFinite(v) ? v : rng.next() < 0.5 ? nextUp(v) : nextDown(v);
  });
  const install = (fns: MathFn[]) => {
    for (let i = 0; i < fns.length; i++) math[RANDOMIZED_MATH[i]] = fns[i];
  };
  const engine = <S>(g: () => S): S => {
    install(real);
    try {
      return g();
    } finally {
      install(randomized);
    }
  };
  return (f) => {
    install(randomized);
    try {
      return f(engine);
    } finally {
      install(real);
    }
  };
}

/** x moved by 1 or 2 ulps up or down (two random bits); 0, ±∞ and NaN unchanged. */
function perturbUlps(x: number, rng: Rng): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const b = Math.floor(rng.next() * 4);
  const steps = 1 + (b & 1);
  return b & 2 ? stepsUp(x, steps) : stepsDown(x, steps);
}

function perturbedCopy(m: Matrix, rng: Rng): Matrix {
  const data = new Float64Array(m.data.length);
  for (let i = 0; i < data.length; i++) data[i] = perturbUlps(m.data[i], rng);
  return { rows: m.rows, cols: m.cols, data };
}

/** A seed string determined by the instance (FNV-1a over the bits of X, then its architecture). */
function instanceSeed(inst: AuditInstance): string {
  inst.cache ??= new Map();
  const hit = inst.cache.get('rounding-seed');
  if (typeof hit === 'string') return hit;
  const words = new Uint32Array(inst.x.data.buffer, inst.x.data.byteOffset, inst.x.data.length * 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    for (let s = 0; s < 32; s += 8) h = Math.imul(h ^ ((w >>> s) & 0xff), 0x01000193);
  }
  const a = architectureFields(inst);
  const seed = `${(h >>> 0).toString(16)}:${inst.x.rows}x${inst.x.cols}:${inst.depth}:${inst.widths.join(',')}:${inst.init}:${inst.netSeed}${Object.keys(a).length ? `:${JSON.stringify(a)}` : ''}`;
  inst.cache.set('rounding-seed', seed);
  return seed;
}

function cornerList(keys: string[]): Map<string, Corner>[] {
  const k = keys.length;
  if (k === 0) return [];
  const out: Map<string, Corner>[] = [];
  if (k <= 6) {
    for (let mask = 0; mask < 1 << k; mask++) out.push(new Map(keys.map((key, i) => [key, mask & (1 << i) ? 'upper' : 'lower'])));
    return out;
  }
  out.push(new Map(keys.map((key) => [key, 'lower'])), new Map(keys.map((key) => [key, 'upper'])));
  for (const flip of keys) {
    out.push(new Map(keys.map((key) => [key, key === flip ? 'upper' : 'lower'])));
    out.push(new Map(keys.map((key) => [key, key === flip ? 'lower' : 'upper'])));
  }
  return out;
}

// ------------------------------------------------------------------------------------------------

/** An AuditInstance as JSON: the data as exact decimal strings (encodeNumber), no engine cache. */
type EncodedInstance = Omit<AuditInstance, 'x' | 'cache'> & { x: { rows: number; cols: number; data: string[] } };

export function encodeAuditInstance(i: AuditInstance): EncodedInstance {
  return { x: { rows: i.x.rows, cols: i.x.cols, data: Array.from(i.x.data, encodeNumber) }, ...instanceFields(i) };
}

export function decodeAuditInstance(e: unknown): AuditInstance {
  const o = e as EncodedInstance;
  if (!o || typeof o !== 'object' || !o.x || !Array.isArray(o.x.data) || o.x.data.length !== o.x.rows * o.x.cols) throw new Error('not an audit instance');
  const labels = o.labels === undefined ? undefined : checkLabelSpec(o.labels.model, o.labels.noise, 'recorded instance');
  const arch = archOfDescriptor({ activation: o.activation, bias: o.bias, parameterization: o.parameterization });
  // the 'nmm' network has no biases (docs/api.md#architectures): such a record would be evaluated without its bias
  if (arch.bias !== undefined && !(Number.isFinite(arch.bias) && arch.bias >= 0)) throw new Error(`not an audit instance: b_std = ${arch.bias}`);
  if (arch.bias! > 0 && arch.parameterization !== 'ntk') throw new Error(`not an audit instance: b_std = ${arch.bias} > 0 needs parameterization 'ntk'`);
  return {
    x: { rows: o.x.rows, cols: o.x.cols, data: Float64Array.from(o.x.data, (s, k) => decodeNumber(s, `x[${k}]`)) },
    depth: o.depth,
    widths: o.widths,
    init: o.init,
    netSeed: o.netSeed,
    data: o.data,
    normalize: o.normalize,
    ...(labels ? { labels } : {}),
    ...arch,
  };
}

/** Marks theorems made by defineBound (the audit command checks it). */
export const AUDIT_BOUND = Symbol.for('ntk-audit.bound');
/**
 * A bound's declarative instance space, for the audit's example database (src/audit/runAudit.ts):
 * `identity`, the resolved ranges, sources and normalisations and the SHA-256 of a data file's bytes (not its
 * path), keys the saved examples; `contains` tells whether a saved descriptor is one the space can draw.
 * Absent when the space is a fast-check arbitrary.
 */
export const AUDIT_SPACE = Symbol.for('ntk-audit.instance-space');

export interface InstanceSpaceInfo {
  identity: string;
  contains(descriptor: unknown): boolean;
}

export type AuditTheorem = Theorem<AuditDescriptor, AuditInstance> & { [AUDIT_BOUND]: BoundSpec; [AUDIT_SPACE]?: InstanceSpaceInfo };

function spaceInfo(s: ResolvedSpace): InstanceSpaceInfo {
  const { file, ...rest } = s;
  const identity = JSON.stringify({ ...rest, ...(file ? { fileSha256: createHash('sha256').update(readFileSync(file)).digest('hex') } : {}) });
  const inRange = (v: unknown, [lo, hi]: [number, number]) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
  // exactly the descriptors arbitraryOf(s) can give (shrinking and mutateOf stay inside it too)
  const contains = (x: unknown): boolean => {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
    const d = x as Record<string, unknown>;
    const geometries = s.geometry;
    const lab = labelFieldsIn(d, s);
    const arch = archFieldsIn(d, s.arch);
    const wid = widthFieldsIn(d, s.widths, s.depth, s.widthShape);
    return (
      lab.ok &&
      arch.ok &&
      wid.ok &&
      Object.keys(d).length === (geometries ? 11 : 8) + lab.keys + arch.keys + wid.keys &&
      (!geometries || containsGeometryFields(d, geometries)) &&
      inRange(d.n, s.n) &&
      inRange(d.d, s.d) &&
      inRange(d.depth, s.depth) &&
      Array.isArray(d.widths) &&
      d.widths.length === s.depth[1] - 1 &&
      d.widths.every((w) => inRange(w, s.widths)) &&
      (!s.widthShape || JSON.stringify(withWidthShape(d.widths as number[], s.widthShape)) === JSON.stringify(d.widths)) &&
      (s.init as readonly unknown[]).includes(d.init) &&
      (s.sources as readonly unknown[]).includes(d.data) &&
      (s.normalize as readonly unknown[]).includes(d.normalize) &&
      typeof d.seed === 'string' &&
      /^(0|[1-9][0-9]{0,9})$/.test(d.seed) &&
      Number(d.seed) <= 2 ** 31 - 1
    );
  };
  return { identity, contains };
}

/** The assumption check of a bound: null when the instance meets them all, else the broken one's name. */
function assumptionsOf(spec: BoundSpec): (inst: AuditInstance) => string | null {
  return (inst) => {
    if (!spec.assume) return null;
    const q = quantitiesView(inst);
    if (typeof spec.assume === 'function') {
      const r = spec.assume(q);
      if (r === true || r === null || r === undefined) return null;
      if (r === false) return 'assume';
      if (typeof r === 'string') return r;
      throw new ProposalDefectError(`assume returned ${typeof r}, expected boolean or a string naming the broken assumption`, 'type');
    }
    for (const [name, pred] of Object.entries(spec.assume)) {
      const r = pred(q);
      if (typeof r !== 'boolean') throw new ProposalDefectError(`assume['${name}'] returned ${typeof r}, expected boolean`, 'type');
      if (!r) return name;
    }
    return null;
  };
}

/**
 * Defines a bound `lhs RELATION rhs` to be audited. See the module comment for how error bounds
 * and verdicts are obtained, and src/audit/quantities.ts for the quantities and their conventions.
 */
export function defineBound(spec: BoundSpec): AuditTheorem {
  if (!spec || typeof spec !== 'object') throw new UserError('defineBound: expected an object');
  if (typeof spec.id !== 'string' || !/^[A-Za-z0-9._:/-]+$/.test(spec.id))
    throw new UserError(`defineBound: id must be a non-empty string of letters, digits and . _ : / -, got ${JSON.stringify(spec.id)}`);
  if (typeof spec.statement !== 'string' || spec.statement.trim() === '') throw new UserError(`defineBound(${spec.id}): statement is required`);
  if (spec.statementTex !== undefined) {
    if (typeof spec.statementTex !== 'string' || spec.statementTex.trim() === '')
      throw new UserError(`defineBound(${spec.id}): statementTex must be a non-empty string (text with inline $…$ TeX math)`);
    const problem = statementTexProblem(spec.statementTex);
    if (problem !== null) throw new UserError(`defineBound(${spec.id}): statementTex does not render: ${problem}`);
  }
  const moduleFile = callerFile();
  if (spec.asymptotic !== undefined) {
    const extra = (['instances', 'lhs', 'relation', 'rhs', 'delta', 'cells'] as const).filter(
      (k) => (spec as unknown as Record<string, unknown>)[k] !== undefined,
    );
    if (extra.length > 0)
      throw new UserError(
        `defineBound(${spec.id}): an asymptotic bound states its quantity, sweep and held values under \`asymptotic\`; remove ${extra.join(', ')}`,
      );
    const t = asymptoticBound(spec, assumptionsOf(spec));
    ORIGINS.set(t, moduleFile ? { module: moduleFile } : {});
    return t;
  }
  if (!['<=', '>=', '<', '>', '=='].includes(spec.relation))
    throw new UserError(`defineBound(${spec.id}): relation must be one of <=, >=, <, >, ==; got ${JSON.stringify(spec.relation)}`);
  if (typeof spec.lhs !== 'function' || typeof spec.rhs !== 'function')
    throw new UserError(`defineBound(${(spec as BoundSpec).id}): lhs and rhs must be functions (q) => number`);
  const kind = spec.kind ?? 'deterministic';
  if (kind === 'high-probability' && !(typeof spec.delta === 'number' && spec.delta > 0 && spec.delta < 1))
    throw new UserError(`defineBound(${spec.id}): a high-probability bound needs delta in (0, 1)`);

  let descriptors: fc.Arbitrary<AuditDescriptor>;
  let space: ResolvedSpace | null = null;
  if (isArbitrary(spec.instances)) descriptors = spec.instances;
  else {
    space = resolveSpace(spec.instances, moduleFile);
    // The probability of a high-probability bound is over the draw of its data from the declared law. Structured
    // geometries (near-duplicate, antipodal, clusters, …) are a different law chosen to break bounds: a rate test
    // over them would refute a claim about i.i.d. data that is true.
    const structured = kind === 'high-probability' ? (space.geometry ?? []).filter((g) => g !== 'iid') : [];
    if (structured.length > 0)
      throw new UserError(
        `defineBound(${spec.id}): a high-probability bound is about i.i.d. draws; instances.geometry ${structured.length > 2 ? JSON.stringify((spec.instances as InstanceSpace).geometry) : structured.join(', ')} is not (use ['iid'] or none, or a deterministic bound)`,
      );
    descriptors = withLabelArbitrary(withArchArbitrary(arbitraryOf(space), space), space);
  }
  const file = space?.file;

  const assumptions = assumptionsOf(spec);

  const conclude = (inst: AuditInstance): Evaluation => {
    let l = evaluateSide(spec.lhs, inst, 'lhs', { sensitivity: false });
    let r = evaluateSide(spec.rhs, inst, 'rhs', { sensitivity: false });
    if (needsSensitivity(spec.relation, l, r)) {
      l = withSensitivity(spec.lhs, inst, 'lhs', l);
      r = withSensitivity(spec.rhs, inst, 'rhs', r);
    }
    const quantities: Record<string, number> = { N: inst.x.rows, d: inst.x.cols, L: inst.depth, ...l.quantities, ...r.quantities };
    return { lhs: l.value, rhs: r.value, relation: spec.relation, lhsError: l.error, rhsError: r.error, quantities };
  };

  const cellSpace: Record<string, readonly string[]> | undefined = space
    ? {
        N: binsOf(space.n[0], space.n[1]),
        ...(space.d[0] !== space.d[1] ? { d: binsOf(space.d[0], space.d[1]) } : {}),
        'd/N': RATIO_CELLS,
        ...(space.depth[0] !== space.depth[1] ? { L: Array.from({ length: space.depth[1] - space.depth[0] + 1 }, (_, k) => String(space!.depth[0] + k)) } : {}),
        ...(space.sources.length > 1 ? { data: space.sources } : {}),
        ...(space.init.length > 1 ? { init: space.init } : {}),
        ...(space.geometry && space.geometry.length > 1 ? { geometry: space.geometry } : {}),
        ...labelCellSpace(space),
        ...archCellSpace(space.arch, space.widthShape, space.depth),
      }
    : undefined;

  const theorem: AuditTheorem = {
    id: spec.id,
    title: spec.title ?? spec.statement,
    source: spec.source ?? { paper: 'user proposal', statement: spec.statement },
    kind,
    statement: spec.statement,
    ...(spec.statementTex !== undefined ? { statementTex: spec.statementTex } : {}),
    conventions: {
      ...DEFAULT_CONVENTIONS,
      ...(space ? { data: space.file ? `file ${space.file}` : space.sources.join(' | '), normalize: space.normalize.join(' | ') } : {}),
      ...(space?.geometry
        ? { geometry: `${space.geometry.join(' | ')} (src/random/geometry/index.ts), points moved by the targeted search recorded in the descriptor` }
        : {}),
      ...(space ? archConventions(space.arch, space.widthShape) : {}),
      ...(spec.conventions ?? {}),
    },
    constants: spec.constants ?? [],
    descriptors,
    materialize: (desc) => materializeDescriptor(desc, file),
    assumptions,
    conclude,
    ...(space ? { mutate: mutateOf(space) } : {}),
    ...(space?.geometry ? { points: pointsOf(file) } : {}),
    cells: (desc) => {
      const nd = desc.data === 'file' || (NAMED_DATASETS as readonly string[]).includes(desc.data) ? (space?.d[0] ?? desc.d) : desc.d;
      const c: Record<string, string> = { N: space ? bin(desc.n, space.n[0], space.n[1]) : String(desc.n), 'd/N': ratioCell(nd, desc.n) };
      if (!space || space.d[0] !== space.d[1]) c.d = space ? bin(desc.d, space.d[0], space.d[1]) : String(desc.d);
      if (!space || space.depth[0] !== space.depth[1]) c.L = String(desc.depth);
      if (!space || space.sources.length > 1) c.data = desc.data;
      if (!space || space.init.length > 1) c.init = desc.init;
      if (hasGeometry(desc) && (!space?.geometry || space.geometry.length > 1)) c.geometry = desc.geometry;
      if ('labels' in labelCellSpace(space)) c.labels = labelCellOf(desc.labels, desc.labelNoise);
      Object.assign(c, archCellOf(desc, space ? archCellSpace(space.arch, space.widthShape, space.depth) : null));
      if (spec.cells) Object.assign(c, spec.cells(quantitiesView(materializeDescriptor(desc, file))));
      return c;
    },
    ...(cellSpace ? { cellSpace } : {}),
    encodeInstance: (i) => encodeAuditInstance(i),
    decodeInstance: (e) => decodeAuditInstance(e),
    ...(kind === 'high-probability'
      ? {
          delta: () => spec.delta!,
          configKey: (desc: AuditDescriptor) => JSON.stringify({ ...desc, seed: undefined }),
        }
      : {}),
    ...(spec.expectRefuted ? { expectRefuted: true } : {}),
    costHint: spec.costHint ?? 25,
    [AUDIT_BOUND]: spec,
    ...(space ? { [AUDIT_SPACE]: spaceInfo(space) } : {}),
  };
  ORIGINS.set(theorem, { ...(moduleFile ? { module: moduleFile } : {}), ...(file ? { dataFile: file } : {}) });
  return theorem;
}

/** The targeted search's access to the data rows of a space with geometries (Theorem.points). */
function pointsOf(file: string | undefined): NonNullable<AuditTheorem['points']> {
  return {
    rows: (desc) => {
      if (!hasGeometry(desc)) throw new TheoremEvaluationError('descriptor without geometry fields in a space with geometries');
      return shapedRowsOf(desc, file);
    },
    withRows: (desc, rows) => (hasGeometry(desc) ? withMovedRows(desc, rows) : desc),
  };
}

export function isAuditBound(x: unknown): x is AuditTheorem {
  return typeof x === 'object' && x !== null && AUDIT_BOUND in x;
}
