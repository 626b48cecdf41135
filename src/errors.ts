/**
 * Errors the user can fix (bad data, bad flags, malformed files). The CLI prints `message` on one
 * line and exits with `exitCode` (2 = usage or input error); it never prints a stack trace for them.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    // One line always: messages often quote user input (a file's header, a cell), which may hold newlines.
    super(message.replace(/\s*[\r\n]+\s*/g, ' ').trim());
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/**
 * A limiting kernel beyond the range its fold supports (src/ntk/limitingSmooth.ts): a UserError for the kernel
 * command (exit 2, one line naming the range); the audit quantities read it as a kernel that is not certified.
 */
export class KernelRangeError extends UserError {}

/** A numerical precondition failed (e.g. a matrix that must be symmetric is not). */
export class NumericalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NumericalError';
  }
}

/** Not an error: a command finished and asks the CLI to exit with `code` (e.g. 1 for a violation), printing nothing more. */
export class ExitRequest extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.name = 'ExitRequest';
    this.code = code;
  }
}
