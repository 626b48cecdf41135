import type { Arbitrary } from 'fast-check';
import { around, sideAt } from '../src/theorem/sides.ts';
import { texText } from '../src/theorem/statementTex.ts';
import type { ConstantSpec, Descriptor, Evaluation, Theorem } from '../src/theorem/types.ts';

/**
 * Planted twins: a deliberately false, stronger variant of a true claim (docs/architecture.md#theorems,
 * `Theorem.twinOf`). A twin re-uses everything of its claim — assumptions, instances, the engine's
 * evaluation of both sides — and changes only the stated constant, through a transform of the
 * evaluation. The search must refute it on the same run that lets the claim hold: the check that the
 * claim was tested where it could have failed.
 */

export interface TwinSpec<D extends Descriptor, I> {
  /** Suffix of the id: the twin is `planted.<claim id>.<tag>`. */
  tag: string;
  /** Title (prefixed with "PLANTED: "). */
  title: string;
  /** What was changed, in words (becomes the constant's note, prefixed with "planted: "). */
  note: string;
  /** The note in the statementTex convention (src/report/tex.ts), when it has mathematics; defaults to the note as text. */
  noteTex?: string;
  /** The changed constant: its name and the value the twin states. */
  constant: { name: string; value: number };
  /** The twin's evaluation from the claim's (the engine's numbers are the claim's; only the constant changes). */
  transform(ev: Evaluation, instance: I, descriptor: D): Evaluation;
  /** Optional narrower descriptor space (e.g. the configurations where the twin's error is visible). */
  descriptors?: Arbitrary<D>;
  /** Optional statement (defaults to the claim's, marked as planted). */
  statement?: string;
  /** Its TeX form (src/report/tex.ts); defaults to the claim's statementTex followed by the note as text. */
  statementTex?: string;
}

/** A planted twin of `theorem` (expectRefuted, twinOf = theorem.id) whose conclusion is `transform` of the claim's. */
export function strongerTwin<D extends Descriptor, I>(theorem: Theorem<D, I>, spec: TwinSpec<D, I>): Theorem<D, I> {
  const conclude = theorem.conclude;
  const twin: Theorem<D, I> = {
    ...theorem,
    id: `planted.${theorem.id}.${spec.tag}`,
    title: `PLANTED: ${spec.title}`,
    statement: spec.statement ?? `${theorem.statement} — planted: ${spec.note}`,
    constants: [...theorem.constants, { name: spec.constant.name, value: spec.constant.value, provenance: 'user', note: `planted: ${spec.note}` }],
    expectRefuted: true,
    twinOf: theorem.id,
    descriptors: spec.descriptors ?? theorem.descriptors,
    conclude(instance: I, descriptor: D): Evaluation {
      const ev = spec.transform(conclude(instance, descriptor), instance, descriptor);
      // The claim's trivial bound says nothing about a stronger statement.
      const { vacuous: _vacuous, ...rest } = ev;
      return rest;
    },
  };
  // Probes map where the TRUE claim stops holding; a twin has none.
  delete twin.probes;
  // Never the claim's own TeX under a different statement.
  const tex = twinTex(theorem, spec);
  if (tex === undefined) delete twin.statementTex;
  else twin.statementTex = tex;
  return twin;
}

/** The twin's statementTex: the spec's, else the claim's followed by the note as plain text; none when neither exists. */
function twinTex<D extends Descriptor, I>(theorem: Theorem<D, I>, spec: TwinSpec<D, I>): string | undefined {
  if (spec.statementTex !== undefined) return spec.statementTex;
  if (spec.statement !== undefined || theorem.statementTex === undefined) return undefined;
  return `${theorem.statementTex} — planted: ${spec.noteTex ?? texText(spec.note)}`;
}

/** rhs·k with its error: the scaled error plus the rounding of the product. */
function scaled(ev: Evaluation, k: number): Evaluation {
  const rhs = ev.rhs * k;
  return { ...ev, rhs, rhsError: sideAt(rhs, around(ev.rhs, ev.rhsError).mul(k)).error };
}

/**
 * A stronger bound: for `lhs ≤ rhs` the rhs becomes rhs − (1 − factor)|rhs| (factor < 1), for `lhs ≥ rhs`
 * rhs + (factor − 1)|rhs| (factor > 1). For a positive rhs that is rhs·factor; for a negative rhs it is
 * still stronger (rhs moves towards the lhs), never weaker. The tag defaults to `times-<factor>` and the
 * changed constant to the factor itself.
 */
export function tightenedBound<D extends Descriptor, I>(
  theorem: Theorem<D, I>,
  o: { factor: number; tag?: string; title: string; note: string; noteTex?: string; constant?: { name: string; value: number }; descriptors?: Arbitrary<D> },
): Theorem<D, I> {
  return strongerTwin(theorem, {
    ...o,
    tag: o.tag ?? `times-${o.factor}`,
    constant: o.constant ?? { name: 'factor', value: o.factor },
    transform(ev) {
      if (ev.relation === '<=' || ev.relation === '<') {
        if (!(o.factor < 1)) throw new Error(`${theorem.id}: a ≤ claim is strengthened by a factor < 1`);
        return scaled(ev, ev.rhs >= 0 ? o.factor : 2 - o.factor);
      }
      if (ev.relation === '>=' || ev.relation === '>') {
        if (!(o.factor > 1)) throw new Error(`${theorem.id}: a ≥ claim is strengthened by a factor > 1`);
        return scaled(ev, ev.rhs >= 0 ? o.factor : 2 - o.factor);
      }
      throw new Error(`${theorem.id}: tightenedBound needs an inequality (use perturbedIdentity for ==)`);
    },
  });
}

/** An identity lhs == rhs with the rhs changed by a relative ε: rhs·(1 + ε). */
export function perturbedIdentity<D extends Descriptor, I>(
  theorem: Theorem<D, I>,
  o: { epsilon: number; tag: string; title: string; note: string; noteTex?: string; constant?: { name: string; value: number }; descriptors?: Arbitrary<D> },
): Theorem<D, I> {
  return strongerTwin(theorem, {
    ...o,
    constant: o.constant ?? { name: 'ε', value: o.epsilon },
    transform(ev) {
      if (ev.relation !== '==') throw new Error(`${theorem.id}: perturbedIdentity needs an identity`);
      return scaled(ev, 1 + o.epsilon);
    },
  });
}

/**
 * The id of one claim of a family and the texts that differ between it and its siblings (title, statement,
 * statementTex): each variant's words stand together rather than as one ternary per field.
 */
export interface ClaimTexts {
  id: string;
  title?: string;
  statement?: string;
  statementTex?: string;
}

/** The marks of a planted twin: expected to be refuted, and the id of the true claim it strengthens. */
export interface TwinMarks {
  expectRefuted?: true;
  twinOf?: string;
}

/**
 * The id, texts and twin marks of one variant of a claim family: `texts[variant]`, and for every variant other
 * than `claim` the twin marks naming texts[claim].id (expected to be refuted, twinOf), so the claim's id is stated
 * once. Every variant gives the same fields (the type asks for them), and those fields of the theorem come from here.
 */
export function claimVariant<K extends string, T extends ClaimTexts>(variant: K, claim: K, texts: Record<K, T>): T & TwinMarks {
  return variant === claim ? { ...texts[variant] } : { ...texts[variant], expectRefuted: true, twinOf: texts[claim].id };
}

/**
 * The id, texts and twin marks of a theorem built by a function that makes either a true claim or (`planted`) its
 * planted twin: claimVariant of the two. Each side is its id alone, or its id with the texts that differ.
 */
export function claimOrTwin(planted: boolean, ids: { claim: string; twin: string }): { id: string } & TwinMarks;
export function claimOrTwin<T extends ClaimTexts>(planted: boolean, sides: { claim: T; twin: T }): T & TwinMarks;
export function claimOrTwin(planted: boolean, sides: { claim: string | ClaimTexts; twin: string | ClaimTexts }): ClaimTexts & TwinMarks {
  const texts = (t: string | ClaimTexts): ClaimTexts => (typeof t === 'string' ? { id: t } : t);
  return claimVariant(planted ? 'twin' : 'claim', 'claim', { claim: texts(sides.claim), twin: texts(sides.twin) });
}

/**
 * A constant of a theorem built as a true claim or (`planted`) its planted twin: the claim's constant as given, or
 * the twin's — the same name, the twin's value (default the claim's), provenance 'user' (the planted error is the
 * user's choice) and the planted error as its note.
 */
export function claimOrTwinConstant(planted: boolean, claim: ConstantSpec, twin: { value?: number; note: string }): ConstantSpec {
  return planted ? { name: claim.name, value: twin.value ?? claim.value, provenance: 'user', note: twin.note } : claim;
}
