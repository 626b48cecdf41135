import { join } from 'node:path';
import { type Artifact, artifactFileName, writeArtifactWithData } from '../search/artifact.ts';
import type { AnyTheorem } from '../theorem/types.ts';
import { highProbabilityConfigVerdict, type TheoremRun } from '../search/search.ts';
import { confirmHighProbability, confirmRun, type ConfirmedRef } from './confirm.ts';
import { boundOrigin, decodeAuditInstance, isAuditBound } from './defineBound.ts';
import { proposalRecord } from './provenance.ts';

/**
 * Bounds made by defineBound in a user catalog (`ntk-audit run --catalog FILE`, `runCatalog({ catalog })`) get
 * the same high-precision confirmation as in `ntk-audit audit` (confirm.ts): a violation is reported only
 * once the quantities it read were recomputed in decimal arithmetic and it is still violated; the others
 * count as inconclusive. Their counterexample artifacts are written after it, with the confirmation recorded.
 */
export function needsConfirmation(theorem: AnyTheorem): boolean {
  return isAuditBound(theorem) && !theorem.scalingLaw;
}

/** The run with unconfirmed violations turned inconclusive, and its kept counterexamples written to `artifactsDir`. */
export function confirmCatalogRun(theorem: AnyTheorem, run: TheoremRun, artifactsDir: string | undefined, catalogModule?: string): TheoremRun {
  const write = (ref: ConfirmedRef['ref'], confirmation: ConfirmedRef['confirmation'], dir: string): string => {
    const a: Artifact & { proposal?: ReturnType<typeof proposalRecord> } = { ...ref.artifact, confirmation };
    // the catalog module defines the bound: recorded so that `ntk-audit replay` finds it (as for `audit`)
    if (catalogModule) a.proposal = proposalRecord(join(dir, artifactFileName(a)), catalogModule, theorem.id, boundOrigin(theorem).dataFile);
    return writeArtifactWithData(dir, a, decodeAuditInstance(ref.artifact.instance)).path;
  };
  if (!isAuditBound(theorem) || !needsConfirmation(theorem)) return run;
  if (theorem.kind === 'high-probability') {
    // A rejected rate test refutes only on failed draws re-verified like counterexamples.
    if (!(run.highProbability?.configs ?? []).some((c) => c.status === 'rejected')) return run;
    const h = confirmHighProbability(theorem, run, highProbabilityConfigVerdict);
    const out = h.run;
    if (h.evidence && artifactsDir) h.evidence.ref.artifactPath = write(h.evidence.ref, h.evidence.confirmation, artifactsDir);
    out.counterexamples = h.evidence ? { count: 1, smallest: h.evidence.ref, worst: h.evidence.ref, first: h.evidence.ref } : { count: 0 };
    out.asExpected = out.expectRefuted ? out.status === 'violated' : out.status === 'holds';
    return out;
  }
  if (run.counts.violated === 0) return run;
  const c = confirmRun(theorem, run);
  const out = c.run;
  const refs = { smallest: c.smallest, worst: c.worst };
  for (const cr of [refs.smallest, refs.worst]) {
    if (!cr || !artifactsDir) continue;
    cr.ref.artifactPath = write(cr.ref, cr.confirmation, artifactsDir);
  }
  // The first counterexample is the smallest confirmed one (an unconfirmed violation is not reported).
  out.counterexamples = { ...out.counterexamples, ...(refs.smallest ? { first: refs.smallest.ref } : {}) };
  if (!refs.smallest) delete out.counterexamples.first;
  // Only reported counterexamples go to the example database as such.
  if (out.examples) {
    const kept = new Set([refs.smallest, refs.worst].filter((r) => r !== undefined).map((r) => JSON.stringify(r.ref.descriptor)));
    out.examples = { ...out.examples, save: out.examples.save.filter((e) => e.role !== 'counterexample' || kept.has(JSON.stringify(e.descriptor))) };
  }
  // an unconfirmed violation is not evidence that the claim holds
  if (out.counts.violated === 0 && run.status === 'violated') out.status = 'inconclusive';
  out.asExpected = out.expectRefuted ? out.status === 'violated' : out.status === 'holds';
  return out;
}
