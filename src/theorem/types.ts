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
}

/** Descriptors are plain JSON values (numbers, strings, booleans, arrays, records). */
export type Descriptor = { readonly [key: string]: unknown };

export interface Theorem<D extends Descriptor = Descriptor, I = unknown> {
  id: string;
  title: string;
  source: SourceRef;
  kind: TheoremKind;
  /** One-line statement in words, with symbols. */
  statement: string;
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
  /** Asymptotic claims: the empirical constant, the min or max over instances of a named quantity. */
  empiricalConstant?: { quantity: string; aggregate: 'min' | 'max'; description: string };
  /** Asymptotic claims: a log-log fit of quantity y against quantity x over the evaluated instances. */
  scaling?: { x: string; y: string; description: string; expectedSlope?: { low: number; high: number } };
  /** Rough evaluations per second on one core, used to turn a time budget into a deterministic count. */
  costHint?: number;
}

export type AnyTheorem = Theorem<any, any>;
