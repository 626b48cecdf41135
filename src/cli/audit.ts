/**
 * `ntk-audit audit FILE.ts [--budget S] [--seed S] [--json] [--out DIR] [--instance-timeout S] [--example-db DIR|none]`:
 * audits a proposed bound (a module exporting `default` or `bound`, made with defineBound) by
 * random + targeted counterexample search, and ends with one verdict:
 *
 *   survived  (exit 0) — budget spent without a certified counterexample; tightness and cells covered;
 *   refuted   (exit 1) — smallest and worst certified counterexamples, saved as replayable artifacts
 *                        (JSON) plus the counterexample data as .npy;
 *   ill-posed (exit 2) — the module fails to load, or lhs/rhs return NaN or a wrong type, or fail on
 *                        every instance: one line. Usage and input errors also exit 2.
 *   inconclusive (exit 4) — nothing refuted and nothing held: every instance was within its error
 *                        bound, or (high-probability bounds) no rate test had enough conclusive draws.
 *   partial   (exit 5) — nothing refuted and some instances held, but the sides threw or timed out on part
 *                        of the instance space (listed, with its cells): that part was not tested.
 * High-probability bounds are refuted only by the exact binomial test of their failure rate against δ;
 * their failed draws are listed as such, never as counterexamples.
 * Asymptotic bounds (defineBound({ asymptotic })) are judged by the exponent fitted over their sweep:
 * refuted (exit 1) when a regime's slope interval lies outside exponent ± tolerance (one-sided for O / Ω),
 * survived (exit 0) when every regime's lies inside, inconclusive (exit 4) otherwise; the text and JSON
 * give each regime's fitted exponent and interval, and a refutation's evidence file and replay command.
 *
 * `--json` prints one JSON object with the verdict under `verdict`: the object auditFile / auditBound
 * (src/api.ts) return, which this command calls. The full result is also written to DIR/audit.json.
 *
 * Example database (src/search/exampleDb.ts; src/audit/runAudit.ts says what is replayed and saved): an
 * inequality bound first replays the counterexamples and closest calls saved by earlier audits of the same
 * bound over the same instance space, then searches; they are evaluated in addition to the budget. Default
 * directory .ntk-audit/examples; `--example-db none` and CI=true turn it off (the verdict then depends only on
 * the seed and the budget). Its warnings (a malformed or unwritable file) go to stderr, one line each.
 */
import { resolve, join, relative } from 'node:path';
import type { Command } from 'commander';
import { ExitRequest, UserError } from '../errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { IllPosedError } from '../audit/proposal.ts';
import type { AuditResult, BoundAudit, CounterexampleSummary } from '../audit/runAudit.ts';
import { auditFile, DEFAULT_AUDIT_BUDGET, DEFAULT_AUDIT_SEED, DEFAULT_INSTANCE_TIMEOUT } from '../audit/auditBound.ts';
import { METHOD } from '../audit/highPrecision.ts';
import { DEFAULT_EXAMPLE_DB, exampleDbDir } from '../search/exampleDb.ts';
import { RELATION_SYMBOL } from '../audit/asymptotic.ts';

export { DEFAULT_AUDIT_BUDGET, DEFAULT_INSTANCE_TIMEOUT };

function positive(flag: string, s: string | undefined, dflt: number): number {
  if (s === undefined) return dflt;
  const x = Number(s);
  if (s.trim() === '' || !Number.isFinite(x) || x <= 0) throw new UserError(`${flag} must be a positive number, got ${JSON.stringify(s)}`);
  return x;
}

const EXIT: Record<AuditResult['verdict'], number> = { survived: 0, refuted: 1, 'ill-posed': 2, inconclusive: 4, partial: 5 };

const fmt = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x));
const rel = (p: string) => {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
};

function cexLines(label: string, c: CounterexampleSummary): string[] {
  return [
    `  ${label}: N=${c.N} d=${c.d} — ${Object.entries(c.descriptor)
      .filter(([k]) => !['n', 'd'].includes(k))
      // only the hidden widths n_1..n_{L−1} that the instance uses (the descriptor keeps a fixed-length list)
      .map(
        ([k, v]) =>
          (k === 'widths' && Array.isArray(v) && typeof c.descriptor.depth === 'number' ? [k, v.slice(0, Math.max(0, c.descriptor.depth - 1))] : [k, v]) as [
            string,
            unknown,
          ],
      )
      .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
      .join(' ')}`,
    c.relation === '=='
      ? `    lhs = ${fmt(c.lhs)}  ==  rhs = ${fmt(c.rhs)} fails: |lhs − rhs| = ${fmt(c.residual ?? NaN)} = ${fmt(c.residualRatio ?? NaN)} × its error bound ${fmt(c.errorBound)} (found by ${c.foundBy})`
      : `    lhs = ${fmt(c.lhs)}  ${c.relation}  rhs = ${fmt(c.rhs)} fails: margin ${fmt(c.margin ?? NaN)} (error bound ${fmt(c.errorBound)}; relative ${fmt(c.relativeMargin ?? NaN)}; found by ${c.foundBy})`,
    ...(c.confirmation
      ? [
          c.confirmation.status === 'skipped'
            ? `    high-precision confirmation: skipped (${c.confirmation.reason})`
            : `    high-precision confirmation: ${c.confirmation.status} (${METHOD}; ${c.confirmation.ms} ms)`,
        ]
      : []),
    `    artifact: ${rel(c.artifact)}`,
    `    data (.npy): ${rel(c.npy)}`,
    `    replay: ntk-audit replay ${rel(c.artifact)}`,
  ];
}

/** The sweep of an asymptotic bound: the law, the band, each regime's fitted exponent, the evidence of a refutation. */
function scalingLines(sc: NonNullable<BoundAudit['scaling']>): string[] {
  const x = sc.variable.includes('·') ? `(${sc.variable})` : sc.variable;
  const band =
    sc.relation === 'Theta'
      ? `[${fmt(sc.exponent - sc.tolerance)}, ${fmt(sc.exponent + sc.tolerance)}]`
      : sc.relation === 'O'
        ? `(−∞, ${fmt(sc.exponent + sc.tolerance)}]`
        : `[${fmt(sc.exponent - sc.tolerance)}, ∞)`;
  const lines = [
    `  claim: ${sc.quantity} = ${RELATION_SYMBOL[sc.relation]}(${x}^${sc.exponent}); exponent tolerance ±${sc.tolerance}: accepted exponents ${band}`,
    `  sweep: ${sc.variable} ∈ {${sc.sizes.join(', ')}} × ${sc.drawsPerSize} draw(s) per size and regime; Student-t interval of the log-log slope at level ${sc.alpha.toPrecision(3)} per regime`,
  ];
  for (const r of sc.regimes)
    lines.push(
      `    ${r.status.padEnd(12)} ${r.regime}: fitted exponent ${Number.isFinite(r.slope) ? r.slope.toFixed(3) : 'none'} [${Number.isFinite(r.slopeLow) ? r.slopeLow.toFixed(3) : '?'}, ${Number.isFinite(r.slopeHigh) ? r.slopeHigh.toFixed(3) : '?'}] over ${r.points} draw(s)${r.unusable ? `, ${r.unusable} unusable` : ''}${Number.isFinite(r.r2) ? `, R² ${r.r2.toFixed(3)}` : ''}`,
    );
  if (Number.isFinite(sc.fittedConstant))
    lines.push(
      `  fitted constant (empirical, at the claimed exponent; not part of the verdict): ${sc.quantity} ≈ ${fmt(sc.fittedConstant)}·${x}^${sc.exponent}`,
    );
  if (sc.evidence) lines.push(`  evidence: ${rel(sc.evidence)}`, `  replay: ntk-audit replay ${rel(sc.evidence)}`);
  return lines;
}

export function formatBound(b: BoundAudit): string[] {
  const lines = [`${b.message}`, `  statement: ${b.statement}`];
  const hp = b.highProbability;
  const countLabel = (k: string) =>
    hp && k === 'violated' ? 'failed draws' : b.scaling && k === 'holds' ? 'certified > 0' : b.scaling && k === 'violated' ? 'certified ≤ 0' : k;
  lines.push(
    `  ${b.evaluated} ${hp || b.scaling ? 'draws' : 'instances'}: ${Object.entries(b.counts)
      .map(([k, v]) => `${v} ${countLabel(k)}`)
      .join(', ')}; ${(b.durationMs / 1000).toFixed(1)} s${b.respawns ? `, ${b.respawns} worker restart(s)` : ''}`,
  );
  if (b.examples)
    lines.push(
      `  example database: ${b.examples.replayed} saved example(s) replayed before the search (in addition to the budget)${b.examples.violated ? `, ${b.examples.violated} violated` : ''}; ${b.examples.saved} saved for the next audit`,
    );
  if (hp) {
    lines.push(`  rate tests (exact binomial, one-sided, level ${fmt(hp.alpha)} each — Bonferroni over every test of the audit):`);
    for (const c of hp.configs)
      lines.push(
        `    ${c.status.padEnd(12)} δ = ${fmt(c.delta)}: ${c.failures} failed, ${c.inconclusive} inconclusive of ${c.draws} draws; failure rate in [${fmt(c.failureRateLower)}, ${fmt(c.failureRateUpper)}]  ${c.configKey.length > 100 ? c.configKey.slice(0, 97) + '…' : c.configKey}`,
      );
  }
  if (b.scaling) lines.push(...scalingLines(b.scaling));
  if (b.counterexamples.smallest) lines.push(...cexLines('smallest counterexample', b.counterexamples.smallest));
  if (b.counterexamples.worst && b.counterexamples.worst.artifact !== b.counterexamples.smallest?.artifact)
    lines.push(...cexLines('worst counterexample', b.counterexamples.worst));
  if (b.tightness) {
    const t = b.tightness;
    if (Number.isNaN(t.minRelativeMargin) && t.ratio.startsWith('|lhs'))
      lines.push(
        `  identity residual over ${t.instances} consistent/inconclusive instances: max ${t.ratio} = ${fmt(t.maxRatio)}, median ${fmt(t.medianRatio)} (≤ 1: consistent)`,
      );
    else
      lines.push(
        `  tightness over ${t.instances} holding/inconclusive instances: max ${t.ratio} = ${fmt(t.maxRatio)}, median ${fmt(t.medianRatio)}; relative margin min ${fmt(t.minRelativeMargin)}, median ${fmt(t.medianRelativeMargin)}`,
      );
  }
  if (b.cells.length > 0) {
    lines.push('  cells:');
    const keys = [...new Set(b.cells.map((c) => c.key))];
    for (const k of keys) {
      const cs = b.cells.filter((c) => c.key === k);
      lines.push(
        `    ${k}: ${cs.map((c) => `${c.value} ${c.status}${c.status === 'not exercised' ? '' : ` (${c.counts.holds}✓ ${c.counts.violated}✗${c.counts.inconclusive ? ` ${c.counts.inconclusive}?` : ''}${c.counts.outside ? ` ${c.counts.outside} outside` : ''})`}`).join('; ')}`,
      );
    }
  }
  for (const e of b.errors.slice(0, 5)) lines.push(`  error on ${e.instance}: ${e.message}`);
  if (b.errorCount > 5) lines.push(`  … ${b.errorCount - 5} more instance error(s) (see audit.json)`);
  for (const t of b.timeouts) lines.push(`  timeout on ${t.instance}: ${t.message}`);
  return lines;
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description(
      'audit a proposed bound (module exporting `default` or `bound` made with defineBound): survived (exit 0) / refuted (1) / ill-posed (2) / inconclusive (4) / partial (5)',
    )
    .argument('<file>', 'proposal module (.ts .mts .cts .js .mjs .cjs), e.g. examples/wrong-bound.ts')
    .option(
      '--budget <seconds>',
      `search effort in seconds at the calibrated single-core rate, turned into instance counts: the verdict does not depend on the machine's load (default ${DEFAULT_AUDIT_BUDGET}; a run taking 10× that of wall time is stopped and answers inconclusive)`,
    )
    .option('--seed <s>', 'search seed (default ntk-audit)')
    .option('--json', 'print one JSON object (verdict under `verdict`)')
    .option('--out <dir>', 'output directory for audit.json and counterexamples (default reports/audit)')
    .option('--instance-timeout <seconds>', `per-instance time limit (default ${DEFAULT_INSTANCE_TIMEOUT})`)
    .option(
      '--example-db <dir>',
      `example database: replay the counterexamples and closest calls of earlier audits of the bound first, save this audit's (default ${DEFAULT_EXAMPLE_DB}; none to disable; off under CI=true)`,
    )
    .action(async (file: string, raw: { budget?: string; seed?: string; json?: boolean; out?: string; instanceTimeout?: string; exampleDb?: string }) => {
      const budgetSeconds = positive('--budget', raw.budget, DEFAULT_AUDIT_BUDGET);
      const instanceTimeoutSeconds = positive('--instance-timeout', raw.instanceTimeout, DEFAULT_INSTANCE_TIMEOUT);
      const outDir = resolve(raw.out ?? join('reports', 'audit'));
      const seed = raw.seed ?? DEFAULT_AUDIT_SEED;
      const exampleDb = exampleDbDir(raw.exampleDb);
      let result: AuditResult;
      try {
        result = await auditFile(file, {
          seed,
          budget: budgetSeconds,
          instanceTimeout: instanceTimeoutSeconds,
          outDir,
          exampleDb,
          ...(raw.json ? {} : { onEvent: (l: string) => process.stderr.write(`ntk-audit: ${l}\n`) }),
        });
      } catch (e) {
        if (e instanceof IllPosedError && raw.json) {
          process.stdout.write(JSON.stringify({ verdict: 'ill-posed', message: e.message, file }) + '\n');
          throw new ExitRequest(2);
        }
        throw e;
      }
      writeFileAtomic(join(outDir, 'audit.json'), JSON.stringify(result, null, 2) + '\n');
      for (const w of result.exampleDb?.warnings ?? []) process.stderr.write(`ntk-audit: ${w}\n`);
      const code = EXIT[result.verdict];
      if (raw.json) {
        process.stdout.write(JSON.stringify(result) + '\n');
        throw new ExitRequest(code);
      }
      if (result.verdict === 'ill-posed') {
        // One line (on stderr, like every usage/input error), naming the first ill-posed bound.
        throw new IllPosedError(result.bounds.find((b) => b.verdict === 'ill-posed')!.message);
      }
      const out: string[] = [];
      for (const b of result.bounds) out.push(...formatBound(b));
      out.push(
        `verdict: ${result.verdict}  (${result.bounds.length} bound(s), seed ${seed}, ${(result.durationMs / 1000).toFixed(1)} s; full result in ${rel(join(outDir, 'audit.json'))})`,
      );
      process.stdout.write(out.join('\n') + '\n');
      if (code !== 0) throw new ExitRequest(code);
    });
}
