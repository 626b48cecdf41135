/** `ntk-audit list [--json]`: every claim of the catalog with id, source, kind and conventions. */
import type { Command } from 'commander';
import { DEFAULT_SCALING_TOLERANCE } from '../search/scaling.ts';
import type { AnyTheorem } from '../theorem/types.ts';
import { DEFAULT_CATALOG, loadCatalog } from './run.ts';

/** The scaling law of an asymptotic claim as listed: exponent, relation, tolerance, sweep. */
function scalingOf(
  t: AnyTheorem,
): { variable: string; quantity: string; relation: string; exponent: number; tolerance: number; sizes: number[]; regimes: string[] } | null {
  const l = t.scalingLaw;
  return l
    ? {
        variable: l.variable,
        quantity: l.quantity,
        relation: l.relation,
        exponent: l.exponent,
        tolerance: l.tolerance ?? DEFAULT_SCALING_TOLERANCE,
        sizes: [...l.sizes],
        regimes: [...l.regimes],
      }
    : null;
}

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('list the claims of the catalog (id, source, kind, conventions)')
    .option('--json', 'print a JSON array')
    .option('--theorem <glob>', 'only ids matching the glob')
    .action(async (raw: { json?: boolean; theorem?: string }) => {
      const { selectTheorems } = await import('../search/budget.ts');
      const catalog = selectTheorems(await loadCatalog(DEFAULT_CATALOG), raw.theorem ?? null);
      if (raw.json) {
        const rows = catalog.map((t) => ({
          id: t.id,
          title: t.title,
          statement: t.statement,
          source: t.source,
          kind: t.kind,
          knownFalse: t.expectRefuted === true,
          twinOf: t.twinOf ?? null,
          scaling: scalingOf(t),
          conventions: t.conventions,
          constants: t.constants,
        }));
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      for (const t of catalog) {
        const src = `${t.source.arxiv ? `arXiv ${t.source.arxiv}, ` : ''}${t.source.statement}`;
        const sc = scalingOf(t);
        const scText = sc
          ? `, ${sc.quantity} = ${sc.relation === 'Theta' ? 'Θ' : sc.relation === 'O' ? 'O' : 'Ω'}(${sc.variable}^${sc.exponent}) ± ${sc.tolerance} in the exponent`
          : '';
        process.stdout.write(
          `${t.id}\n  ${t.kind}${scText}${t.expectRefuted ? `, known false (must be refuted)${t.twinOf ? `, twin of ${t.twinOf}` : ''}` : ''} — ${src}\n  ${t.title}\n  conventions: ${Object.entries(
            t.conventions,
          )
            .map(([k, v]) => `${k} = ${v}`)
            .join('; ')}\n`,
        );
      }
      process.stdout.write(`${catalog.length} claims\n`);
    });
}
