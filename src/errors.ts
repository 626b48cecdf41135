/**
 * Errors the user can fix (bad data, bad flags, malformed files). The CLI prints `message` on one
 * line and exits with `exitCode` (2 = usage or input error); it never prints a stack trace for them.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** A numerical precondition failed (e.g. a matrix that must be symmetric is not). */
export class NumericalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NumericalError';
  }
}
