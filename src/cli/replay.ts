/** `ntk-audit replay FILE [--json]`: re-evaluates a counterexample artifact and prints its verdict. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ExitRequest, UserError } from '../errors.ts';
import { confirmViolation } from '../audit/confirm.ts';
import { AUDIT_BOUND, decodeAuditInstance, isAuditBound } from '../audit/defineBound.ts';
import type { Artifact } from '../search/artifact.ts';
import { replayFile } from '../search/replay.ts';
import { residualRatio } from '../search/search.ts';
import { DEFAULT_SCALING_TOLERANCE } from '../search/scaling.ts';
import { isScalingEvidenceText, replayScalingEvidenceFile } from '../search/scalingEvidence.ts';
import { DEFAULT_CATALOG, loadCatalog } from './run.ts';
import { loadProposal } from '../audit/proposal.ts';
import { proposalField, resolveProposal, type ProposalRecord } from '../audit/provenance.ts';

/** The `proposal` field written by `ntk-audit audit` into its artifacts (src/audit/provenance.ts; null when absent or unreadable). */
function proposalOf(file: string): ProposalRecord | null {
  try {
    return proposalField(readFileSync(file, 'utf8'));
  } catch {
    return null; // readArtifact reports unreadable / malformed files
  }
}

/** The recorded high-precision confirmation of an audit artifact (src/audit/confirm.ts), as text lines. */
function confirmationLines(c: Artifact['confirmation'], identity: boolean): string {
  if (!c) return '';
  if (c.status === 'skipped') return `  confirmation: skipped (${c.reason})\n`;
  const qs = Object.entries(c.quantities)
    .map(([k, e]) => `    ${k} ∈ [${e.lower}, ${e.upper}]\n`)
    .join('');
  const fit = identity
    ? `|lhs − rhs| / error bound = ${residualRatio({ margin: Number(c.margin), errorBound: Number(c.errorBound) })}`
    : `margin = ${c.margin} (error bound ${c.errorBound})`;
  return `  confirmation: ${c.status}, verdict ${c.verdict} (${c.method}; ${c.inertiaCounts} inertia counts, ${c.ms} ms)${c.reason ? ` — ${c.reason}` : ''}\n${c.lhs !== undefined ? `    lhs = ${c.lhs}  rhs = ${c.rhs}  ${fit}\n` : ''}${qs}`;
}

/** The confirmation of an identity's counterexample for `--json`: its residual ratio in place of the signed margin. */
function confirmationWithoutMargin(c: NonNullable<Artifact['confirmation']>): unknown {
  if (c.status === 'skipped' || c.margin === undefined) return c;
  const { margin, ...rest } = c;
  return { ...rest, residualRatio: residualRatio({ margin: Number(margin), errorBound: Number(c.errorBound) }) };
}

function isScalingEvidenceFile(file: string): boolean {
  try {
    return isScalingEvidenceText(readFileSync(file, 'utf8').slice(0, 200));
  } catch {
    return false; // readArtifact reports unreadable files
  }
}

/** Scaling evidence (src/search/scalingEvidence.ts): re-evaluates the sweep and re-fits; exit 1 when still refuted. */
function replayScaling(file: string, catalog: Awaited<ReturnType<typeof loadCatalog>>, json: boolean): void {
  const { evidence, theorem, status, regimes } = replayScalingEvidenceFile(file, catalog);
  // The re-fit is judged by the catalog's CURRENT law (src/search/scalingEvidence.ts): that is the law shown.
  const cur = theorem.scalingLaw!;
  const law = {
    variable: cur.variable,
    quantity: cur.quantity,
    relation: cur.relation,
    exponent: cur.exponent,
    tolerance: cur.tolerance ?? DEFAULT_SCALING_TOLERANCE,
  };
  const changed = (['variable', 'quantity', 'relation', 'exponent', 'tolerance'] as const).some((k) => law[k] !== evidence.law[k]);
  const text = (l: typeof law) =>
    `${l.quantity} = ${{ Theta: 'Θ', O: 'O', Omega: 'Ω' }[l.relation]}(${l.variable}^${l.exponent}), exponent tolerance ±${l.tolerance}`;
  if (json)
    process.stdout.write(
      JSON.stringify({ theoremId: evidence.theoremId, verdict: status, law, recordedLaw: evidence.law, alpha: evidence.alpha, regimes }) + '\n',
    );
  else {
    const lines = regimes.map(
      (r) =>
        `  ${r.regime}: slope ${r.slope.toFixed(3)} [${r.slopeLow.toFixed(3)}, ${r.slopeHigh.toFixed(3)}] over ${r.points} draws${r.unusable ? ` (${r.unusable} unusable)` : ''} — ${r.status}`,
    );
    const note = changed ? `\n  (the evidence was recorded against ${text(evidence.law)}; the catalog's claim now states the law above)` : '';
    process.stdout.write(
      `${evidence.theoremId}: ${status}\n  ${evidence.theoremTitle}\n  claimed ${text(law)}, level ${evidence.alpha.toPrecision(3)} per regime${note}\n${lines.join('\n')}\n`,
    );
  }
  if (status === 'violated') throw new ExitRequest(1);
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('re-evaluate a counterexample artifact (no generator needed) and print its verdict; exit 1 when it is still violated')
    .argument('<file>', 'counterexample JSON (fixtures/counterexamples/*.json or reports/counterexamples/*.json)')
    .option('--json', 'print one JSON object')
    .option('--confirm', 'audit artifacts: re-run the high-precision confirmation (decimal.js, src/audit/confirm.ts) and print it in place of the recorded one')
    .action(async (file: string, raw: { json?: boolean; confirm?: boolean }) => {
      let catalog = await loadCatalog(DEFAULT_CATALOG);
      // Artifacts and scaling evidence of `ntk-audit audit` record the proposal module that defines their bound
      // (relative to the artifact, with its hash: src/audit/provenance.ts).
      const proposal = proposalOf(file);
      if (proposal && !catalog.some((t) => t.id === proposal.boundId)) catalog = (await loadProposal(resolveProposal(file, proposal))).bounds;
      if (isScalingEvidenceFile(file)) return replayScaling(file, catalog, raw.json === true);
      const { artifact, outcome, theorem } = replayFile(file, catalog);
      if (raw.confirm) {
        const spec = isAuditBound(theorem) ? theorem[AUDIT_BOUND] : undefined;
        if (!spec || spec.asymptotic !== undefined)
          throw new UserError(`--confirm: ${artifact.theoremId} is not an inequality of an audited proposal (defineBound)`);
        artifact.confirmation = confirmViolation(spec, decodeAuditInstance(artifact.instance));
      }
      // An identity (==) has no signed margin: |lhs − rhs| in units of its error bound (> 1: inconsistent).
      const identity = outcome.relation === '==';
      const recordedRatio = residualRatio({ margin: Number(artifact.margin), errorBound: Number(artifact.errorBound) });
      const sides = identity
        ? {
            residual: Math.abs(outcome.lhs - outcome.rhs),
            errorBound: outcome.errorBound,
            residualRatio: residualRatio(outcome),
            recordedResidualRatio: recordedRatio,
          }
        : { margin: outcome.margin, errorBound: outcome.errorBound, recordedMargin: artifact.margin };
      const out = {
        theoremId: artifact.theoremId,
        verdict: outcome.verdict,
        relation: outcome.relation,
        lhs: outcome.lhs,
        rhs: outcome.rhs,
        ...sides,
        ...(artifact.confirmation ? { confirmation: identity ? confirmationWithoutMargin(artifact.confirmation) : artifact.confirmation } : {}),
        conventions: artifact.conventions,
        packageVersion: artifact.packageVersion,
      };
      if (raw.json) process.stdout.write(JSON.stringify(out) + '\n');
      else
        process.stdout.write(
          `${artifact.theoremId}: ${outcome.verdict}${artifact.foundBy === 'monte-carlo' ? ' (one failed draw of a high-probability claim: the evidence kept for its rejected rate test, not a counterexample by itself)' : ''}\n  ${artifact.theoremTitle}\n  lhs = ${outcome.lhs}  ${outcome.relation}  rhs = ${outcome.rhs}\n  ${identity ? `|lhs − rhs| = ${Math.abs(outcome.lhs - outcome.rhs)} = ${residualRatio(outcome)} × its error bound ${outcome.errorBound} (recorded ${recordedRatio} ×)` : `margin = ${outcome.margin} (error bound ${outcome.errorBound}; recorded ${artifact.margin})`}\n  conventions: ${Object.entries(
            artifact.conventions,
          )
            .map(([k, v]) => `${k} = ${v}`)
            .join('; ')}\n${confirmationLines(artifact.confirmation, identity)}`,
        );
      if (outcome.verdict === 'violated') throw new ExitRequest(1);
    });
}
