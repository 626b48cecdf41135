import { UserError } from '../errors.ts';
import { evaluateInstance } from '../theorem/verdict.ts';
import type { AnyTheorem, Descriptor, Outcome } from '../theorem/types.ts';
import { decodeArtifactInstance, readArtifact, type Artifact } from './artifact.ts';

/**
 * Re-evaluates a counterexample artifact from its stored exact instance: the generator that found
 * it is not needed (only the theorem's assumptions and conclusion, looked up by id).
 */
export function replayArtifact(artifact: Artifact, catalog: readonly AnyTheorem[]): { theorem: AnyTheorem; outcome: Outcome } {
  const theorem = catalog.find((t) => t.id === artifact.theoremId);
  if (!theorem) throw new UserError(`artifact names theorem ${artifact.theoremId}, which is not in the catalog`);
  const instance = decodeArtifactInstance(theorem, artifact);
  try {
    const { outcome } = evaluateInstance(theorem, artifact.descriptor as Descriptor, instance);
    return { theorem, outcome };
  } catch (e) {
    // A structurally valid artifact whose instance the theorem cannot evaluate (edited by hand, wrong shapes, …).
    throw new UserError(`artifact for ${artifact.theoremId} cannot be evaluated: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function replayFile(path: string, catalog: readonly AnyTheorem[]): { artifact: Artifact; theorem: AnyTheorem; outcome: Outcome } {
  const artifact = readArtifact(path);
  return { artifact, ...replayArtifact(artifact, catalog) };
}
