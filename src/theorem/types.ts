import type { Arbitrary } from 'fast-check';
import type { Rng } from '../random/rng.ts';

/**
 * A theorem as an executable object (docs/architecture.md#theorems): assumptions are a fast-check
 * arbitrary of small shrinkable descriptors plus a validator; the conclusion is a predicate that
 * returns both sides of an inequality with rigorous error bounds, from which a signed margin and a
 * verdict follow. Theorems compute nothing themselves: every number comes from the engine.
 */

export type TheoremKind = 'deterministic' | 'high-probability' | 'asymptotic';

/**
 * lhs REL rhs. Strict relations need a certified strictly positive margin to hold. '==' is an
 * identity check: it holds when |lhs − rhs| is within the error bound and is violated otherwise.
 */
export type Relation = '<=' | '>=' | '<' | '>' | '==';

export type Verdict = 'holds' | 'violated' | 'inconclusive' | 'outside';

export const VERDICTS: readonly Verdict[] = ['holds', 'violated', 'inconclusive', 'outside'];

export type Provenance = 'paper' | 'derived' | 'user' | 'fitted';

export interface ConstantSpec {
  name: string;
  value: number;
  provenance: Provenance;
  /** Where the value comes from: equation, derivation, or why an unspecified constant was set so. */
  note: string;
}

export interface SourceRef {
  /** Authors and short title. */
  paper: string;
  arxiv?: string;
  /** Statement number in the cited version, e.g. "Theorem 3.2 (v5)". */
  statement: string;
}

/**
 * Conventions are always stated in reports: parameterisation, c_σ, σ'(0), normalisation, data
 * scaling, … A mismatch of conventions is the most common source of false counterexamples.
 */
export type Conventions = Record<string, string | number | boolean>;

/** What a conclusion returns for one instance: both sides, each with a rigorous error bound. */
export interface Evaluation {
  lhs: number;
  rhs: number;
  relation: Relation;
  /** Bound on |computed lhs − exact lhs|. */
  lhsError: number;
  /** Bound on |computed rhs − exact rhs|. */
  rhsError: number;
  /** Extra named quantities for reports (λ_min, N, d, …). */
  quantities?: Record<string, number>;
  /**
   * True when the inequality could not have failed on this instance whatever the lhs (e.g. the rhs is at
   * least a trivial bound the lhs always obeys, like ε ≥ ‖y‖ for a residual). The report shows the
   * fraction of such instances (the vacuity rate); a claim tested mostly where it cannot fail has no teeth.
   */
  vacuous?: boolean;
}

export interface Outcome {
  verdict: Verdict;
  /** Signed margin: positive means the claim holds on this instance. NaN only for `outside`. */
  margin: number;
  /** Rigorous bound on the numerical error of `margin`. */
  errorBound: number;
  /** margin / scale, where scale = max(|lhs|, |rhs|): comparable across instances. */
  relativeMargin: number;
  lhs: number;
  rhs: number;
  relation: Relation;
  /** Name of the broken assumption when verdict = outside. */
  brokenAssumption?: string;
  quantities?: Record<string, number>;
  /** See Evaluation.vacuous. */
  vacuous?: boolean;
}

/** Descriptors are plain JSON values (numbers, strings, booleans, arrays, records). */
export type Descriptor = { readonly [key: string]: unknown };

export interface Theorem<D extends Descriptor = Descriptor, I = unknown> {
  id: string;
  title: string;
  source: SourceRef;
  kind: TheoremKind;
  /** One-line statement in words, with symbols (Unicode: summary.md, JUnit, the terminal). */
  statement: string;
  /**
   * The same statement with its mathematics in TeX, for the HTML report: text with inline math between
   * `$…$` (`\$` outside math is a literal dollar sign), the math in KaTeX's LaTeX — the convention of
   * src/report/tex.ts. Says exactly what `statement` says. Absent: the report shows `statement`.
   */
  statementTex?: string;
  conventions: Conventions;
  constants: ConstantSpec[];
  /** Generator of descriptors inside the assumptions (may occasionally fall outside; `assumptions` decides). */
  descriptors: Arbitrary<D>;
  /** Optional generator of descriptors just outside the assumptions, to map where the claim stops holding. */
  probes?: Arbitrary<D>;
  /** Materialises an instance (data, network, …) from a descriptor; deterministic given the descriptor. */
  materialize(descriptor: D): I;
  /** Returns the name of the first broken assumption, or null when the instance satisfies them all. */
  assumptions(instance: I, descriptor: D): string | null;
  /** Evaluates the conclusion. May throw: the runner reports that as an error of this theorem. */
  conclude(instance: I, descriptor: D): Evaluation;
  /** Local move for targeted search (defaults to regenerating nothing: no targeted phase). */
  mutate?(descriptor: D, rng: Rng): D;
  /**
   * Targeted search over point coordinates (src/search/adversarial.ts): the descriptor's data rows (N × d,
   * row-major, before any normalisation of the instance), and the descriptor with some rows replaced — which
   * must materialise to exactly those rows (the replacement is recorded in the descriptor). Absent: no such phase.
   */
  points?: {
    rows(descriptor: D): { rows: number; cols: number; data: Float64Array };
    withRows(descriptor: D, rows: ReadonlyMap<number, Float64Array>): D;
  };
  /** Assumption-space cells this descriptor exercises (for claim coverage), e.g. { N: '8–32', family: 'sphere' }. */
  cells?(descriptor: D): Record<string, string>;
  /** The declared cells per key (so reports can list those never exercised). */
  cellSpace?: Record<string, readonly string[]>;
  /** Serialises an instance exactly (for counterexample artifacts); defaults to the generic codec. */
  encodeInstance?(instance: I): unknown;
  decodeInstance?(encoded: unknown): I;
  /** High-probability claims: the failure probability δ allowed for this descriptor's configuration. */
  delta?(descriptor: D): number;
  /** High-probability claims: descriptors with the same key are draws of the same random experiment. */
  configKey?(descriptor: D): string;
  /** Marks a deliberately false variant (planted error, erratum) that the search must refute. */
  expectRefuted?: boolean;
  /**
   * For a false variant: the id of the true claim it strengthens (a stronger constant, a shifted exponent,
   * a dropped factor or term). Every true claim has at least one such twin refuted by the same run: the
   * check that the claim was tested where it could have failed.
   */
  twinOf?: string;
  /** Asymptotic claims judged by their exponent (see ScalingLaw); replaces random search and shrinking. */
  scalingLaw?: ScalingLaw<D>;
  /** Asymptotic claims: the empirical constant, the min or max over instances of a named quantity. */
  empiricalConstant?: { quantity: string; aggregate: 'min' | 'max'; description: string };
  /** Asymptotic claims: a log-log fit of quantity y against quantity x over the evaluated instances. */
  scaling?: { x: string; y: string; description: string; expectedSlope?: { low: number; high: number } };
  /** Rough evaluations per second on one core, used to turn a time budget into a deterministic count. */
  costHint?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: a theorem of any descriptor and instance types (their functions are contravariant)
export type AnyTheorem = Theorem<any, any>;

/** The relation of an asymptotic claim y = Θ(x^e), O(x^e) or Ω(x^e) (as the scaling variable x grows). */
export type ScalingRelation = 'Theta' | 'O' | 'Omega';

/**
 * An asymptotic claim judged by its exponent (docs/architecture.md#scaling-verdicts): y = REL(x^exponent)
 * as x grows, other variables held in the theorem's regime. The search evaluates a designed sweep —
 * `sizes` (spanning at least one decade) × independent draws, separately in each regime — fits the
 * log-log slope of y against x with a Student-t confidence interval, and decides with `tolerance`:
 *   Theta: violated when the interval misses [e − tol, e + tol]; holds when it lies inside; else inconclusive;
 *   O:     violated when the interval lies above e + tol; holds when it lies below e + tol;
 *   Omega: violated when the interval lies below e − tol; holds when it lies above e − tol.
 * A claim is violated when some regime is, holds when every regime does. The per-instance conclusion of
 * a scaling claim checks that y is certified positive (y > 0 with its error bound: a log must exist);
 * y is the conclusion's lhs, x the descriptor's (or quantities') field `variable`.
 */
export interface ScalingLaw<D extends Descriptor = Descriptor> {
  /** The scaling variable: a numeric field of the descriptor (or a quantity), e.g. 'd'. */
  variable: string;
  /** What y is, in words (the conclusion's lhs), e.g. 'λ_min(K(L))'. */
  quantity: string;
  /**
   * Optional TeX math (no $ delimiters, src/report/tex.ts) of `quantity` and of the scaling variable, e.g.
   * '\\lambda_{\\min}(K^{(L)})' and 'd': the HTML report then writes the claimed law y = REL(x^e) as MathML.
   * Both or neither; a variableTex that is a product is parenthesised (it is raised to the exponent).
   */
  quantityTex?: string;
  variableTex?: string;
  relation: ScalingRelation;
  exponent: number;
  /** Half-width of the accepted exponent band (default 0.1). */
  tolerance?: number;
  /** The sizes of the sweep: ≥ 3 distinct positive values, max/min ≥ 10. */
  sizes: readonly number[];
  /** The regimes fitted separately (e.g. 'L=2, gaussian'); each gets its own slope. */
  regimes: readonly string[];
  /** The descriptor of one draw: deterministic in its arguments (`seed` is derived from the run seed). */
  design(p: { regime: string; size: number; draw: number; seed: string }): D;
  /** Draws per size and regime at the smallest budget (default 4). */
  minDraws?: number;
  /** Draws per size and regime at most (default 24). */
  maxDraws?: number;
}
