/**
 * Top-level error handling of the `ntk-audit` command. Every failure is ONE line on stderr:
 *
 * - {@link UserError} (bad flags, bad data, malformed files) → `ntk-audit: <message>`, exit 2
 *   (or the error's own exitCode);
 * - commander's parse errors (unknown option, missing argument, invalid choice) → the same, exit 2;
 * - anything else (a bug) → `ntk-audit: internal error: <message>`, exit 3.
 *
 * A stack trace is printed (after that line) only when the environment sets NTK_AUDIT_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { ExitRequest, UserError } from '../errors.ts';

export const PROGRAM_NAME = 'ntk-audit';
export const EXIT_OK = 0;
export const EXIT_USER = 2;
export const EXIT_INTERNAL = 3;

/** Collapses a message to one line (newlines and runs of whitespace become one space). */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NTK_AUDIT_DEBUG === '1';
}

export interface ErrorSink {
  write(s: string): unknown;
}

/**
 * Prints `err` as one line on `stderr` and returns the process exit code to use. Never throws.
 */
export function reportError(err: unknown, stderr: ErrorSink = process.stderr, env: NodeJS.ProcessEnv = process.env): number {
  const debug = debugEnabled(env);
  const stack = (): void => {
    if (debug && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  };
  try {
    if (err instanceof ExitRequest) return err.code;
    if (err instanceof CommanderError) {
      // Help and version requests are "errors" only in commander's control flow.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
      // Help printed because no subcommand was given: the help text is already on stderr.
      if (err.code === 'commander.help') return EXIT_USER;
      const msg = oneLine(err.message.replace(/^error:\s*/i, ''));
      stderr.write(`${PROGRAM_NAME}: ${msg} (try --help)\n`);
      return EXIT_USER;
    }
    if (err instanceof UserError) {
      stderr.write(`${PROGRAM_NAME}: ${oneLine(err.message)}\n`);
      stack();
      return err.exitCode;
    }
    const msg = err instanceof Error ? `${err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}` : String(err);
    stderr.write(`${PROGRAM_NAME}: internal error: ${oneLine(msg)}${debug ? '' : ' (set NTK_AUDIT_DEBUG=1 for a stack trace)'}\n`);
    stack();
    return EXIT_INTERNAL;
  } catch {
    return EXIT_INTERNAL;
  }
}

/**
 * Installs process-wide handlers so that errors escaping the promise chain (uncaught exceptions,
 * unhandled rejections) and a closed stdout pipe (`ntk-audit … | head`) are handled in one line too.
 */
export function installProcessHandlers(): void {
  process.on('uncaughtException', (err) => {
    process.exitCode = reportError(err);
    process.exit();
  });
  process.on('unhandledRejection', (err) => {
    process.exitCode = reportError(err);
    process.exit();
  });
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.exitCode = reportError(err);
    process.exit();
  });
}
