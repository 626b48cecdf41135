import { writeArtifactWithData } from '../search/artifact.ts';
import type { TheoremRun } from '../search/search.ts';
import type { AnyTheorem } from '../theorem/types.ts';
import { confirmRun } from './confirm.ts';
import { decodeAuditInstance, isAuditBound } from './defineBound.ts';

/**
 * Bounds made by defineBound in a user catalog (`ntk-audit run --catalog FILE`, `runCatalog({ catalog })`) get
 * the same high-precision confirmation as in `ntk-audit audit` (confirm.ts): a violation is reported only
 * once the quantities it read were recomputed in decimal arithmetic and it is still violated; the others
 * count as inconclusive. Their counterexample artifacts are written after it, with the confirmation recorded.
 */
export function needsConfirmation(theorem: AnyTheorem): boolean {
  return isAuditBound(theorem) && theorem.kind !== 'high-probability' && !theorem.scalingLaw;
}

/** The run with unconfirmed violations turned inconclusive, and its kept counterexamples written to `artifactsDir`. */
export function confirmCatalogRun(theorem: AnyTheorem, run: TheoremRun, artifactsDir: string | undefined): TheoremRun {
  if (!isAuditBound(theorem) || !needsConfirmation(theorem) || run.counts.violated === 0) return run;
  const c = confirmRun(theorem, run);
  const out = c.run;
  const refs = { smallest: c.smallest, worst: c.worst };
  for (const cr of [refs.smallest, refs.worst]) {
    if (!cr || !artifactsDir) continue;
    const inst = decodeAuditInstance(cr.ref.artifact.instance);
    cr.ref.artifactPath = writeArtifactWithData(artifactsDir, { ...cr.ref.artifact, confirmation: cr.confirmation }, inst).path;
  }
  // The first counterexample is the smallest confirmed one (an unconfirmed violation is not reported).
  out.counterexamples = { ...out.counterexamples, ...(refs.smallest ? { first: refs.smallest.ref } : {}) };
  if (!refs.smallest) delete out.counterexamples.first;
  // Only reported counterexamples go to the example database as such.
  if (out.examples) {
    const kept = new Set([refs.smallest, refs.worst].filter((r) => r !== undefined).map((r) => JSON.stringify(r.ref.descriptor)));
    out.examples = { ...out.examples, save: out.examples.save.filter((e) => e.role !== 'counterexample' || kept.has(JSON.stringify(e.descriptor))) };
  }
  if (out.counts.violated === 0 && run.status === 'violated') out.status = out.counts.holds > 0 ? 'holds' : 'inconclusive';
  out.asExpected = out.expectRefuted ? out.status === 'violated' : out.status === 'holds';
  return out;
}
