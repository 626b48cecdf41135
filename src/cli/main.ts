/**
 * The `ntk-audit` command line. Each subcommand lives in its own module exporting a
 * {@link SubcommandModule}; to add one (run, list, replay, audit, merge, baseline), write
 * `src/cli/<name>.ts` exporting `register(program)` and append it to {@link SUBCOMMANDS}.
 *
 * Run it with `node --import tsx src/cli/main.ts <subcommand> …`, `npm run ntk-audit -- …`, or the
 * `bin/ntk-audit.mjs` executable.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { EXIT_OK, installProcessHandlers, PROGRAM_NAME, reportError } from './errors.ts';
import { registerAuditCommand } from './audit.ts';
import { registerBaselineCommand } from './baseline.ts';
import { registerKernelCommand } from './kernel.ts';
import { registerListCommand } from './list.ts';
import { registerMergeCommand } from './merge.ts';
import { registerReplayCommand } from './replay.ts';
import { registerRunCommand } from './run.ts';

/** Registers one subcommand (use `program.command(name)` so that the error settings are inherited). */
export type SubcommandModule = (program: Command) => void;

export const SUBCOMMANDS: readonly SubcommandModule[] = [registerRunCommand, registerListCommand, registerReplayCommand, registerKernelCommand, registerBaselineCommand, registerMergeCommand, registerAuditCommand];

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
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

/** Builds the full program (no side effects; parse it with `parseAsync`). */
export function buildProgram(): Command {
  const program = new Command(PROGRAM_NAME)
    .description('Property-based auditing of theorems about the spectrum of the Neural Tangent Kernel.')
    .version(packageVersion(), '-V, --version')
    .helpCommand(true)
    .showHelpAfterError(false);
  configureErrors(program);
  for (const register of SUBCOMMANDS) register(program);
  configureErrors(program); // also covers subcommands registered with addCommand()
  return program;
}

/** Parses `argv` (process.argv layout: node, script, args…) and runs the command; returns the exit code. */
export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'node' });
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
    return entry === realpathSync(here) || entry === resolve(dirname(here), '../../bin/ntk-audit.mjs');
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  installProcessHandlers();
  process.exitCode = await main();
}
