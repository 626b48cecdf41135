/**
 * The `ntk-audit` command line. Each subcommand lives in its own module exporting a
 * {@link SubcommandModule}; to add one (run, list, replay, audit, merge, baseline), write
 * `src/cli/<name>.ts` exporting `register<Name>Command(program)` and add its row to `TABLE` below.
 *
 * Run it with `node --import tsx src/cli/main.ts <subcommand> …`, `npm run ntk-audit -- …`, or the
 * `bin/ntk-audit.mjs` executable.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { EXIT_OK, installProcessHandlers, PROGRAM_NAME, reportError } from './errors.ts';
import { PACKAGE_ROOT } from '../packagePaths.ts';

/** Registers one subcommand (use `program.command(name)` so that the error settings are inherited). */
export type SubcommandModule = (program: Command) => void;

/** A subcommand: its name, the operands its help prints after `[options]` (none when absent), and its help line. */
export interface Subcommand {
  name: string;
  operands?: string;
  description: string;
}

/** Every subcommand, in the order of the help text. */
const TABLE: readonly Subcommand[] = [
  { name: 'run', description: 'run the theorem catalog (random + targeted counterexample search) and write claim-coverage reports' },
  { name: 'list', description: 'list the claims of the catalog (id, source, kind, conventions)' },
  {
    name: 'replay',
    operands: '<file>',
    description: 're-evaluate a counterexample artifact (no generator needed) and print its verdict; exit 1 when it is still violated',
  },
  { name: 'kernel', operands: '<kind>', description: 'build a kernel matrix on a data set and print certified enclosures of λ_min and λ_max, and the trace' },
  { name: 'baseline', description: 'write a CI baseline (verdicts and empirical constants) from a report.json' },
  { name: 'merge', operands: '<reports...>', description: 'merge shard reports (ntk-audit run --shard k/n) into the report of the whole run' },
  {
    name: 'audit',
    operands: '<file>',
    description:
      'audit a proposed bound (module exporting `default` or `bound` made with defineBound): survived (exit 0) / refuted (1) / ill-posed (2) / inconclusive (4) / partial (5)',
  },
];

/** The register function of subcommand `name`: `register<Name>Command`, exported by `./<name>.ts`. */
async function loadSubcommand(name: string): Promise<SubcommandModule> {
  const module = (await import(`./${name}.ts`)) as Record<string, SubcommandModule>;
  return module[`register${name[0].toUpperCase()}${name.slice(1)}Command`];
}

/**
 * Every subcommand, in the order of the help text: its module is imported (`load`) only when that subcommand
 * runs (or its help is asked for), so start-up costs commander alone, not the engine. `term` and `description`
 * are the help lines of the program's `--help`, printed without loading the modules; src/cli/main.test.ts
 * checks them against the registered subcommands.
 */
export const SUBCOMMANDS: readonly (Subcommand & { term: string; load: () => Promise<SubcommandModule> })[] = TABLE.map((c) => ({
  ...c,
  term: `${c.name} [options]${c.operands ? ` ${c.operands}` : ''}`,
  load: () => loadSubcommand(c.name),
}));

/** The subcommand that `argv` (process.argv layout) runs or asks help for, or null (program help, version, an unknown name). */
export function requestedSubcommand(argv: readonly string[]): string | null {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return SUBCOMMANDS.some((c) => c.name === name) ? name! : null;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Makes commander throw instead of exiting and keeps its messages out of stderr (reportError prints them). */
function configureErrors(cmd: Command): void {
  cmd.exitOverride();
  cmd.configureOutput({ outputError: () => {} });
  cmd.showSuggestionAfterError(true);
  for (const sub of cmd.commands) configureErrors(sub);
}

/**
 * Builds the program (no side effects; parse it with `parseAsync`). `only` names the one subcommand to
 * load and register; without it every subcommand is registered (`only === null`: as help-only entries
 * that are never run, for the program's help, its suggestions for a misspelt name and `--version`).
 */
export async function buildProgram(only?: string | null): Promise<Command> {
  const program = new Command(PROGRAM_NAME)
    .description('Property-based auditing of theorems about the spectrum of the Neural Tangent Kernel.')
    .version(packageVersion(), '-V, --version')
    .helpCommand(true)
    .showHelpAfterError(false);
  configureErrors(program);
  if (only === null) {
    const terms = new Map(SUBCOMMANDS.map((c) => [c.name, c.term]));
    for (const c of SUBCOMMANDS) program.command(c.name).description(c.description);
    const help = program.createHelp();
    program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
  } else {
    for (const c of SUBCOMMANDS) if (only === undefined || c.name === only) (await c.load())(program);
  }
  configureErrors(program); // also covers subcommands registered with addCommand()
  return program;
}

/** Parses `argv` (process.argv layout: node, script, args…) and runs the command; returns the exit code. */
export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await (await buildProgram(requestedSubcommand(argv))).parseAsync(argv, { from: 'node' });
    return EXIT_OK;
  } catch (err) {
    return reportError(err);
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    const entry = realpathSync(script);
    const here = fileURLToPath(import.meta.url);
    return entry === realpathSync(here) || entry === realpathSync(fileURLToPath(new URL('bin/ntk-audit.mjs', PACKAGE_ROOT)));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  installProcessHandlers();
  process.exitCode = await main();
}
