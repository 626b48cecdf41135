import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { parseValidatedJson, readTextFile } from '../io/validatedJson.ts';
import { evaluate, TheoremEvaluationError } from '../theorem/verdict.ts';
import type { AnyTheorem, Descriptor } from '../theorem/types.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { combineRegimes, fitRegime, scalingPointOf, type ScalingPoint, type ScalingRegimeResult, type ScalingResult, type ScalingStatus } from './scaling.ts';

/**
 * The evidence of a refuted scaling claim: the descriptors of every usable draw of the sweep, per regime,
 * with the fit and the level it was judged at. A scaling refutation is a statement about a sample, not
 * about one instance, so its "counterexample" is the whole sweep; `ntk-audit replay FILE` re-evaluates
 * every descriptor (deterministic: each carries its own seed) and re-fits at the stored level.
 */
export const SCALING_EVIDENCE_FORMAT = 'ntk-audit/scaling-evidence';

const drawSchema = z.object({ descriptor: z.record(z.string(), z.unknown()), x: z.number(), y: z.number() });

export const scalingEvidenceSchema = z.object({
  format: z.literal(SCALING_EVIDENCE_FORMAT),
  version: z.literal(1),
  theoremId: z.string().min(1),
  theoremTitle: z.string(),
  packageVersion: z.string(),
  runSeed: z.string(),
  law: z.object({
    variable: z.string(),
    quantity: z.string(),
    relation: z.enum(['Theta', 'O', 'Omega']),
    exponent: z.number(),
    tolerance: z.number().positive(),
  }),
  alpha: z.number().positive().max(1),
  status: z.literal('violated'),
  regimes: z
    .array(
      z.object({
        regime: z.string(),
        slope: z.number(),
        slopeLow: z.number(),
        slopeHigh: z.number(),
        status: z.enum(['holds', 'violated', 'inconclusive']),
        /** Draws of the sweep that were not usable (not stored): they keep the regime inconclusive on replay too. */
        unusable: z.number().int().nonnegative().default(0),
        draws: z.array(drawSchema),
      }),
    )
    .min(1),
});

export type ScalingEvidence = z.infer<typeof scalingEvidenceSchema>;

export function buildScalingEvidence(
  theorem: AnyTheorem,
  result: ScalingResult,
  draws: { regime: string; draws: { descriptor: Descriptor; x: number; y: number }[] }[],
  runSeed: string,
): ScalingEvidence {
  return {
    format: SCALING_EVIDENCE_FORMAT,
    version: 1,
    theoremId: theorem.id,
    theoremTitle: theorem.title,
    packageVersion: PACKAGE_VERSION,
    runSeed,
    law: { variable: result.variable, quantity: result.quantity, relation: result.relation, exponent: result.exponent, tolerance: result.tolerance },
    alpha: result.alpha,
    status: 'violated',
    regimes: result.regimes.map((r, i) => ({
      regime: r.regime,
      slope: r.slope,
      slopeLow: r.slopeLow,
      slopeHigh: r.slopeHigh,
      status: r.status,
      unusable: r.unusable,
      draws: JSON.parse(JSON.stringify(draws[i].draws)) as ScalingEvidence['regimes'][number]['draws'],
    })),
  };
}

export function writeScalingEvidence(dir: string, e: ScalingEvidence): string {
  const h = createHash('sha256').update(JSON.stringify(e.regimes)).digest('hex').slice(0, 12);
  const path = join(dir, `${e.theoremId.replace(/[^A-Za-z0-9._-]+/g, '_')}--scaling-${h}.json`);
  if (!existsSync(path)) writeFileAtomic(path, JSON.stringify(e, null, 2) + '\n');
  return path;
}

export function parseScalingEvidence(text: string, name = 'scaling evidence'): ScalingEvidence {
  return parseValidatedJson(text, scalingEvidenceSchema, name);
}

export function isScalingEvidenceText(text: string): boolean {
  return text.includes(`"${SCALING_EVIDENCE_FORMAT}"`);
}

/**
 * Re-evaluates every stored draw with the catalog's theorem (looked up by id) and re-fits each regime at the
 * stored level and the law of the CURRENT theorem (a claim whose exponent was corrected replays as such).
 */
export function replayScalingEvidence(
  e: ScalingEvidence,
  catalog: readonly AnyTheorem[],
): { theorem: AnyTheorem; status: ScalingStatus; regimes: ScalingRegimeResult[] } {
  const theorem = catalog.find((t) => t.id === e.theoremId);
  if (!theorem) throw new UserError(`scaling evidence names theorem ${e.theoremId}, which is not in the catalog`);
  const law = theorem.scalingLaw;
  if (!law) throw new UserError(`scaling evidence names theorem ${e.theoremId}, which is not a scaling claim`);
  const regimes = e.regimes.map((r) => {
    const pts: ScalingPoint[] = [];
    let unusable = 0;
    for (const d of r.draws) {
      let o;
      try {
        o = evaluate(theorem, d.descriptor as Descriptor).outcome;
      } catch (err) {
        if (err instanceof TheoremEvaluationError)
          throw new UserError(`scaling evidence for ${e.theoremId} cannot be evaluated: ${err.message.split('\n')[0]}`);
        throw err;
      }
      const pt = scalingPointOf(o, d.descriptor, law.variable); // the run's own rule
      if (pt) pts.push(pt);
      else unusable++;
    }
    // The sweep's unusable draws are not stored: without them the re-fit could decide a regime the run left open.
    return fitRegime(r.regime, pts, unusable + r.unusable, law, e.alpha);
  });
  return { theorem, status: combineRegimes(regimes.map((r) => r.status)), regimes };
}

export function replayScalingEvidenceFile(
  path: string,
  catalog: readonly AnyTheorem[],
): { evidence: ScalingEvidence; theorem: AnyTheorem; status: ScalingStatus; regimes: ScalingRegimeResult[] } {
  const evidence = parseScalingEvidence(readTextFile(path, 'scaling evidence'), `scaling evidence ${path}`);
  return { evidence, ...replayScalingEvidence(evidence, catalog) };
}
