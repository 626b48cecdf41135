import fc from 'fast-check';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { ACTIVATION_NAMES, activationByName } from '../ntk/activations/registry.ts';
import { type Rng, uniformInt } from '../random/rng.ts';

/**
 * Architectures as dimensions of an audit's instance space (defineBound's `instances`, docs/api.md#architectures):
 *
 *   activation:       names of src/ntk/activations/registry.ts, e.g. ['relu', 'erf', 'tanh'] (default ['relu'])
 *   bias:             bias standard deviations b_std ≥ 0, e.g. [0, 0.5] (default [0])
 *   parameterization: 'nmm' (Nguyen–Mondelli–Montúfar, arXiv 2012.11654 eqs. (9)–(10): c_1 = 1, c_l = 1/κ, no biases)
 *                     and/or 'ntk' (neural-tangents, W_std = 1 and b_std from `bias`; src/ntk/limiting.ts).
 *                     Default ['nmm'], or ['ntk'] when some b_std > 0; the pair ('nmm', b_std > 0) is never drawn.
 *   widths:           [lo, hi] (each layer independently), or a named shape:
 *                     { shape: 'constant', range }        — n_1 = … = n_{L−1} ∈ range;
 *                     { shape: 'pyramidal', range }       — n_1 ≥ n_2 ≥ … ≥ n_{L−1}, each in range;
 *                     { shape: 'one-wide', range, wide, at } — every layer in range but one, in `wide`, at layer
 *                     `at` (1 ≤ at ≤ min depth − 1) or at any position ('any', the default).
 *
 * Descriptor fields (present only when the space declares them, so that other spaces keep their descriptors):
 * `activation`, `bias`, `parameterization` (all three when any is declared) and `wideAt`, `wide` (one-wide).
 * SHRINKING: the activation and the (parameterisation, b_std) pair are drawn as indices into ordered lists, which
 * fast-check shrinks as integers towards 0 through the values in between: the activations are listed with 'relu'
 * first (when declared), the pairs with the smallest b_std first ('nmm' before 'ntk'); the wide layer's position
 * shrinks towards 1, depth and widths as integers towards their lower ends.
 */

export interface SpaceArchitecture {
  /** Activation names, 'relu' first when declared. */
  activation: readonly string[];
  /** Distinct b_std values, ascending. */
  bias: readonly number[];
  parameterization: readonly ('nmm' | 'ntk')[];
  /** The (parameterisation, b_std) pairs drawn, smallest b_std first, 'nmm' before 'ntk'. */
  combos: readonly { parameterization: 'nmm' | 'ntk'; bias: number }[];
}

export interface ArchFields {
  activation: string;
  bias: number;
  parameterization: 'nmm' | 'ntk';
}

export type WidthShape =
  | { shape: 'constant' | 'pyramidal'; range: [number, number] }
  | { shape: 'one-wide'; range: [number, number]; wide: [number, number]; at?: 'any' | number };

const PARAMETERIZATIONS = ['nmm', 'ntk'] as const;
const SHAPES = ['constant', 'pyramidal', 'one-wide'] as const;
const WIDTHS_FORM = `[lo, hi] or { shape: ${SHAPES.map((x) => `'${x}'`).join(' | ')}, range: [lo, hi], wide?: [lo, hi], at?: 'any' | k }`;

function range(name: string, r: unknown): [number, number] {
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => Number.isInteger(v)) || r[0] < 1 || r[0] > r[1]) {
    throw new UserError(`defineBound: instances.${name} must be [lo, hi] integers with 1 ≤ lo ≤ hi, got ${JSON.stringify(r)}`);
  }
  return [r[0], r[1]];
}

const widthShapeSchema = z
  .object({
    shape: z.enum(SHAPES),
    range: z.unknown().optional(),
    wide: z.unknown().optional(),
    at: z.union([z.literal('any'), z.number()]).optional(),
  })
  .strict();

/** A named width shape, checked (undefined for [lo, hi] or no widths: every layer drawn independently). */
export function resolveWidthShape(w: unknown, depth: [number, number]): WidthShape | undefined {
  if (w === undefined || Array.isArray(w)) return undefined;
  const p = widthShapeSchema.safeParse(w);
  if (!p.success) {
    const issue = p.error.issues[0];
    throw new UserError(`defineBound: instances.widths${issue.path.length ? '.' + issue.path.join('.') : ''}: ${issue.message} (expected ${WIDTHS_FORM})`);
  }
  const o = p.data;
  const r = range('widths.range', o.range ?? [64, 64]);
  if (o.shape !== 'one-wide') {
    if (o.wide !== undefined || o.at !== undefined)
      throw new UserError(`defineBound: instances.widths: wide and at apply to shape 'one-wide' only (expected ${WIDTHS_FORM})`);
    return { shape: o.shape, range: r };
  }
  if (o.wide === undefined) throw new UserError(`defineBound: instances.widths: shape 'one-wide' needs wide: [lo, hi] (expected ${WIDTHS_FORM})`);
  const wide = range('widths.wide', o.wide);
  if (depth[1] < 2) throw new UserError(`defineBound: instances.widths: shape 'one-wide' needs a hidden layer (depth ≥ 2), got depth ${JSON.stringify(depth)}`);
  const at = o.at ?? 'any';
  if (at !== 'any' && !(Number.isInteger(at) && at >= 1 && at <= depth[0] - 1)) {
    throw new UserError(
      `defineBound: instances.widths.at must be 'any' or a layer k with 1 ≤ k ≤ ${depth[0] - 1} (the smallest depth − 1), got ${JSON.stringify(at)}`,
    );
  }
  return { shape: 'one-wide', range: r, wide, at };
}

/** The activation / bias / parameterisation dimensions, checked (undefined when none is declared). */
export function resolveArchitectureSpace(activation: unknown, bias: unknown, parameterization: unknown): SpaceArchitecture | undefined {
  if (activation === undefined && bias === undefined && parameterization === undefined) return undefined;
  const acts = activation ?? ['relu'];
  if (!Array.isArray(acts) || acts.length === 0 || !acts.every((a) => typeof a === 'string')) {
    throw new UserError(
      `defineBound: instances.activation must be a non-empty list of names (known: ${ACTIVATION_NAMES.join(', ')}), got ${JSON.stringify(activation)}`,
    );
  }
  const names: string[] = [];
  for (const a of acts as string[]) {
    const name = a.trim().toLowerCase();
    try {
      activationByName(name);
    } catch (e) {
      throw new UserError(`defineBound: instances.activation: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!names.includes(name)) names.push(name);
  }
  if (names.includes('relu')) names.splice(names.indexOf('relu'), 1), names.unshift('relu');
  const bs = bias ?? [0];
  if (!Array.isArray(bs) || bs.length === 0 || !bs.every((b) => typeof b === 'number' && Number.isFinite(b) && b >= 0)) {
    throw new UserError(
      `defineBound: instances.bias must be a non-empty list of bias standard deviations b_std ≥ 0 (finite numbers), got ${JSON.stringify(bias)}`,
    );
  }
  const biases = [...new Set(bs as number[])].sort((x, y) => x - y);
  const biased = biases.some((b) => b > 0);
  const ps = parameterization ?? (biased ? ['ntk'] : ['nmm']);
  if (!Array.isArray(ps) || ps.length === 0 || !ps.every((p) => (PARAMETERIZATIONS as readonly unknown[]).includes(p))) {
    throw new UserError(`defineBound: instances.parameterization must be a non-empty list of 'nmm', 'ntk', got ${JSON.stringify(parameterization)}`);
  }
  const params = PARAMETERIZATIONS.filter((p) => (ps as unknown[]).includes(p));
  if (biased && !params.includes('ntk')) {
    throw new UserError(
      `defineBound: instances.bias: b_std > 0 needs parameterization 'ntk' (the 'nmm' parameterisation of arXiv 2012.11654 has no biases); add parameterization: ['ntk']`,
    );
  }
  const combos: SpaceArchitecture['combos'][number][] = [];
  for (const b of biases) for (const p of params) if (!(p === 'nmm' && b > 0)) combos.push({ parameterization: p, bias: b });
  return { activation: names, bias: biases, parameterization: params, combos };
}

/** The descriptor fields activation, bias, parameterization (undefined when the space declares none). */
export function archArbitrary(a: SpaceArchitecture | undefined): fc.Arbitrary<ArchFields> | undefined {
  if (!a) return undefined;
  // indices, not constantFrom: an integer shrinks through the values in between (b_std 1 → 0.5 when 0 passes)
  const index = (n: number) => fc.integer({ min: 0, max: n - 1 });
  return fc
    .record({ a: index(a.activation.length), c: index(a.combos.length) })
    .map(({ a: i, c: j }) => ({ activation: a.activation[i], bias: a.combos[j].bias, parameterization: a.combos[j].parameterization }));
}

/** The descriptor fields wideAt, wide of a one-wide shape (undefined otherwise). */
export function wideLayerArbitrary(w: WidthShape | undefined, depth: [number, number]): fc.Arbitrary<{ wideAt: number; wide: number }> | undefined {
  if (w?.shape !== 'one-wide') return undefined;
  const at = w.at ?? 'any';
  return fc.record({
    wideAt: at === 'any' ? fc.integer({ min: 1, max: depth[1] - 1 }) : fc.constant(at),
    wide: fc.integer({ min: w.wide[0], max: w.wide[1] }),
  });
}

/** The widths array of a descriptor put in its shape (constant: all equal to the first; pyramidal: non-increasing). */
export function withWidthShape(widths: readonly number[], w: WidthShape | undefined): number[] {
  if (w?.shape === 'constant') return widths.map(() => widths[0]);
  if (w?.shape === 'pyramidal') return widths.slice().sort((x, y) => y - x);
  return widths.slice();
}

/** The widths field of a descriptor: length `len`, each in range, in the shape. */
export function shapeWidthsArbitrary(r: [number, number], len: number, w: WidthShape | undefined): fc.Arbitrary<number[]> {
  const base = fc.array(fc.integer({ min: r[0], max: r[1] }), { minLength: len, maxLength: len });
  return w && w.shape !== 'one-wide' ? base.map((x) => withWidthShape(x, w)) : base;
}

/** n_1..n_{L−1} of a descriptor at depth L: its widths (the last repeated if short), the wide layer put in place. */
export function widthsOfDescriptor(desc: { widths: readonly number[]; wideAt?: unknown; wide?: unknown }, depth: number): number[] {
  const widths = desc.widths.slice(0, depth - 1);
  while (widths.length < depth - 1) widths.push(widths[widths.length - 1] ?? 64);
  if (typeof desc.wideAt === 'number' && typeof desc.wide === 'number' && depth >= 2) widths[Math.min(desc.wideAt, depth - 1) - 1] = desc.wide;
  return widths;
}

/** The instance fields of a descriptor's architecture (none for a descriptor without them). */
export function archOfDescriptor(desc: { activation?: unknown; bias?: unknown; parameterization?: unknown }): Partial<ArchFields> {
  return {
    ...(typeof desc.activation === 'string' ? { activation: desc.activation } : {}),
    ...(typeof desc.bias === 'number' ? { bias: desc.bias } : {}),
    ...(desc.parameterization === 'nmm' || desc.parameterization === 'ntk' ? { parameterization: desc.parameterization } : {}),
  };
}

/** Whether a descriptor's architecture fields are ones the space can draw, and how many keys they add. */
export function archFieldsIn(d: Record<string, unknown>, a: SpaceArchitecture | undefined): { ok: boolean; keys: number } {
  if (!a) return { ok: d.activation === undefined && d.bias === undefined && d.parameterization === undefined, keys: 0 };
  return { ok: a.activation.includes(d.activation as string) && a.combos.some((c) => c.bias === d.bias && c.parameterization === d.parameterization), keys: 3 };
}

/** Whether a descriptor's wide-layer fields are ones the space can draw, and how many keys they add. */
export function widthFieldsIn(
  d: Record<string, unknown>,
  _r: [number, number],
  depth: [number, number],
  w: WidthShape | undefined,
): { ok: boolean; keys: number } {
  if (w?.shape !== 'one-wide') return { ok: d.wideAt === undefined && d.wide === undefined, keys: 0 };
  const at = w.at ?? 'any';
  const posOk = at === 'any' ? Number.isInteger(d.wideAt) && (d.wideAt as number) >= 1 && (d.wideAt as number) <= depth[1] - 1 : d.wideAt === at;
  return { ok: posOk && Number.isInteger(d.wide) && (d.wide as number) >= w.wide[0] && (d.wide as number) <= w.wide[1], keys: 2 };
}

const biasCell = (b: number) => `b_std = ${b}`;

/** Coverage cells of the declared architecture dimensions with more than one value. */
export function archCellSpace(a: SpaceArchitecture | undefined, w: WidthShape | undefined, depth: [number, number]): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  if (a && a.activation.length > 1) out.activation = a.activation;
  if (a && a.bias.length > 1) out.bias = a.bias.map(biasCell);
  if (a && a.parameterization.length > 1) out.parameterization = a.parameterization;
  if (w?.shape === 'one-wide' && (w.at ?? 'any') === 'any' && depth[1] > 2) out['wide layer'] = wideLayerCells(depth);
  return out;
}

/** The cells of a descriptor for the keys of archCellSpace (the wide layer's position as materialised). */
export function archCellOf(desc: Record<string, unknown>, space: Record<string, readonly string[]> | null): Record<string, string> {
  const c: Record<string, string> = {};
  const has = (k: string) => (space ? k in space : desc[k] !== undefined);
  if (has('activation') && typeof desc.activation === 'string') c.activation = desc.activation;
  if (has('bias') && typeof desc.bias === 'number') c.bias = biasCell(desc.bias);
  if (has('parameterization') && typeof desc.parameterization === 'string') c.parameterization = desc.parameterization;
  if ((space ? 'wide layer' in space : desc.wideAt !== undefined) && typeof desc.wideAt === 'number' && typeof desc.depth === 'number')
    c['wide layer'] = `n_${Math.max(1, Math.min(desc.wideAt, desc.depth - 1))}`;
  return c;
}

/** The declared positions of the wide layer as cells (filled in by the caller, which knows the depths). */
export function wideLayerCells(depth: [number, number]): string[] {
  return Array.from({ length: depth[1] - 1 }, (_, k) => `n_${k + 1}`);
}

/** Conventions entries of the declared architecture (overriding the ReLU / no-bias defaults). */
export function archConventions(a: SpaceArchitecture | undefined, w: WidthShape | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (a) {
    out.network = `f_l = σ(W_lᵀ f_{l−1} + b_l) with σ ∈ {${a.activation.join(', ')}} (src/ntk/activations/registry.ts), b_std ∈ {${a.bias.join(', ')}}`;
    out.parameterization = a.parameterization
      .map((p) =>
        p === 'nmm' ? "'nmm' (arXiv 2012.11654 eqs. (9)–(10): c_1 = 1, c_l = 1/κ, no biases)" : "'ntk' (neural-tangents: W_std = 1, b_std, input kernel XXᵀ/d)",
      )
      .join(' | ');
    out.c_σ = "1/κ = 1/E[σ(g)²] for l ≥ 2 under 'nmm' (2 for ReLU); 1 under 'ntk'";
    out["σ'(0)"] = 'the convention of each activation record (docs/activations.md)';
    out['not certified here'] =
      "H∞ with b_std > 0 (Du et al.'s network has none): [−∞, ∞], the instance is inconclusive; the finite network (empirical NTK, σ_min(F_k)) is certified in both parameterisations, 'ntk' with its biases (src/ntk/empiricalNtkCertified.ts)";
  }
  if (w)
    out.widths =
      w.shape === 'one-wide'
        ? `one wide layer (width in [${w.wide.join(', ')}], at ${(w.at ?? 'any') === 'any' ? 'any position' : `layer ${w.at}`}), the others in [${w.range.join(', ')}]`
        : `${w.shape}, each in [${w.range.join(', ')}]`;
  return out;
}

/** A local move of the architecture fields: another activation, another (parameterisation, b_std), the wide layer moved or resized. */
export function mutateArch<D extends { widths: number[]; [k: string]: unknown }>(
  desc: D,
  rng: Rng,
  a: SpaceArchitecture | undefined,
  w: WidthShape | undefined,
  depth: [number, number],
): D {
  const moves: (() => D)[] = [];
  if (a && a.activation.length > 1) moves.push(() => ({ ...desc, activation: a.activation[uniformInt(rng, a.activation.length)] }));
  if (a && a.combos.length > 1)
    moves.push(() => {
      const c = a.combos[uniformInt(rng, a.combos.length)];
      return { ...desc, bias: c.bias, parameterization: c.parameterization };
    });
  if (w?.shape === 'one-wide') {
    if ((w.at ?? 'any') === 'any' && depth[1] > 2) moves.push(() => ({ ...desc, wideAt: 1 + uniformInt(rng, depth[1] - 1) }));
    moves.push(() => ({ ...desc, wide: Math.min(w.wide[1], Math.max(w.wide[0], Math.round((desc.wide as number) * (rng.next() < 0.5 ? 0.5 : 2)))) }));
  }
  return moves.length ? moves[uniformInt(rng, moves.length)]() : desc;
}
