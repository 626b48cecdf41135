import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UserError } from '../errors.ts';

/**
 * Parses JSON text and validates it against a zod schema; every problem (bad JSON, a schema
 * mismatch) becomes a one-line UserError naming the input and the first offending path. Used for
 * every file ntk-audit reads back: counterexample artifacts, reports, baselines.
 */
export function parseValidatedJson<S extends z.ZodType>(text: string, schema: S, name: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${name} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${name} is malformed: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Reads a text file; a missing or unreadable file is a one-line UserError. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
