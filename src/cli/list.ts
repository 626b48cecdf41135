/** `ntk-audit list [--json]`: every claim of the catalog with id, source, kind and conventions. */
import { Command } from 'commander';
import { DEFAULT_CATALOG, loadCatalog } from './run.ts';

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
        const rows = catalog.map((t) => ({ id: t.id, title: t.title, statement: t.statement, source: t.source, kind: t.kind, knownFalse: t.expectRefuted === true, conventions: t.conventions, constants: t.constants }));
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      for (const t of catalog) {
        const src = `${t.source.arxiv ? `arXiv ${t.source.arxiv}, ` : ''}${t.source.statement}`;
        process.stdout.write(`${t.id}\n  ${t.kind}${t.expectRefuted ? ', known false (must be refuted)' : ''} — ${src}\n  ${t.title}\n  conventions: ${Object.entries(t.conventions).map(([k, v]) => `${k} = ${v}`).join('; ')}\n`);
      }
      process.stdout.write(`${catalog.length} claims\n`);
    });
}
