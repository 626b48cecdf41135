import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { matrixToNpyBuffer } from '../io/npy.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { parseValidatedJson, readTextFile } from '../io/validatedJson.ts';
import { decodeValue, encodeNumber, encodeValue, decodeNumber } from '../theorem/codec.ts';
import type { AnyTheorem, Outcome } from '../theorem/types.ts';
import { PACKAGE_VERSION } from '../version.ts';

/**
 * Counterexample artifacts (docs/architecture.md#search): one JSON file per certified
 * counterexample, holding the exact instance (round-trip strings), the descriptor, the seeds, the
 * conventions, the theorem id and the package version, so that `ntk-audit replay FILE` re-evaluates
 * it without the generator that found it.
 */
export const ARTIFACT_FORMAT = 'ntk-audit/counterexample';
export const ARTIFACT_VERSION = 1;

const numString = z.string().refine((s) => s === 'NaN' || !Number.isNaN(Number(s)), 'not a number string');

export const artifactSchema = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  version: z.literal(ARTIFACT_VERSION),
  theoremId: z.string().min(1),
  theoremTitle: z.string(),
  source: z.object({ paper: z.string(), arxiv: z.string().optional(), statement: z.string() }),
  kind: z.enum(['deterministic', 'high-probability', 'asymptotic']),
  conventions: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  packageVersion: z.string(),
  verdict: z.literal('violated'),
  relation: z.enum(['<=', '>=', '<', '>', '==']),
  lhs: numString,
  rhs: numString,
  margin: numString,
  errorBound: numString,
  relativeMargin: numString,
  runSeed: z.string(),
  foundBy: z.enum(['random', 'shrunk', 'targeted', 'monte-carlo', 'example']),
  fastCheck: z.object({ seed: z.number(), path: z.string() }).optional(),
  descriptor: z.record(z.string(), z.unknown()),
  instance: z.unknown(),
  /** Written by `ntk-audit audit` (src/audit/confirm.ts): the high-precision re-verification of the counterexample. */
  confirmation: z
    .union([
      z.object({
        status: z.enum(['confirmed', 'not-confirmed']),
        method: z.string(),
        digits: z.number(),
        quantities: z.record(z.string(), z.object({ lower: numString, upper: numString })),
        verdict: z.enum(['holds', 'violated', 'inconclusive', 'outside', 'error']),
        lhs: numString.optional(),
        rhs: numString.optional(),
        margin: numString.optional(),
        errorBound: numString.optional(),
        reason: z.string().optional(),
        inertiaCounts: z.number(),
        ms: z.number(),
      }),
      z.object({ status: z.literal('skipped'), reason: z.string() }),
    ])
    .optional(),
});

export type Artifact = z.infer<typeof artifactSchema>;

export function buildArtifact(
  theorem: AnyTheorem,
  descriptor: Record<string, unknown>,
  instance: unknown,
  outcome: Outcome,
  meta: { runSeed: string; foundBy: Artifact['foundBy']; fastCheck?: { seed: number; path: string } },
): Artifact {
  if (outcome.verdict !== 'violated') throw new Error('buildArtifact: only certified violations become artifacts');
  return {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    theoremId: theorem.id,
    theoremTitle: theorem.title,
    source: theorem.source,
    kind: theorem.kind,
    conventions: theorem.conventions,
    packageVersion: PACKAGE_VERSION,
    verdict: 'violated',
    relation: outcome.relation,
    lhs: encodeNumber(outcome.lhs),
    rhs: encodeNumber(outcome.rhs),
    margin: encodeNumber(outcome.margin),
    errorBound: encodeNumber(outcome.errorBound),
    relativeMargin: encodeNumber(outcome.relativeMargin),
    runSeed: meta.runSeed,
    foundBy: meta.foundBy,
    ...(meta.fastCheck ? { fastCheck: meta.fastCheck } : {}),
    descriptor: JSON.parse(JSON.stringify(descriptor)) as Record<string, unknown>,
    instance: theorem.encodeInstance ? theorem.encodeInstance(instance) : encodeValue(instance),
  };
}

/** A stable file name: theorem id plus a hash of the exact instance. */
export function artifactFileName(a: Artifact): string {
  const h = createHash('sha256').update(JSON.stringify(a.instance)).update(JSON.stringify(a.descriptor)).digest('hex').slice(0, 12);
  return `${a.theoremId.replace(/[^A-Za-z0-9._-]+/g, '_')}--${h}.json`;
}

/** Writes the artifact atomically into `dir` (idempotent: the same counterexample gets the same file). */
export function writeArtifact(dir: string, a: Artifact): string {
  const path = join(dir, artifactFileName(a));
  if (!existsSync(path)) writeFileAtomic(path, JSON.stringify(a, null, 2) + '\n');
  return path;
}

/** The .npy file written beside artifact `jsonPath` for the instance's matrix field `field` (see writeArtifactWithData). */
export function npyPathOf(jsonPath: string, field: string): string {
  return jsonPath.replace(/\.json$/, `.${field.replace(/[^A-Za-z0-9_-]+/g, '_')}.npy`);
}

/**
 * The artifact plus its data for Python users: every top-level field of the instance that is a float64 matrix
 * ({ rows, cols, data: Float64Array }) is written next to the JSON as `<name>.<field>.npy` (the JSON stays the
 * exact, replayable record; the .npy files are written first, so a JSON on disk always has its data beside it).
 * Returns the JSON path and the .npy paths.
 */
export function writeArtifactWithData(dir: string, a: Artifact, instance: unknown): { path: string; npy: string[] } {
  const path = join(dir, artifactFileName(a));
  const npy: string[] = [];
  if (instance !== null && typeof instance === 'object') {
    for (const [field, v] of Object.entries(instance as Record<string, unknown>)) {
      const m = v as Partial<Matrix> | null;
      if (
        m &&
        typeof m === 'object' &&
        m.data instanceof Float64Array &&
        Number.isInteger(m.rows) &&
        Number.isInteger(m.cols) &&
        m.rows! * m.cols! === m.data.length &&
        m.data.length > 0
      ) {
        const p = npyPathOf(path, field);
        if (!existsSync(p)) writeFileAtomic(p, matrixToNpyBuffer(m as Matrix));
        npy.push(p);
      }
    }
  }
  return { path: writeArtifact(dir, a), npy };
}

export function readArtifact(path: string): Artifact {
  return parseArtifact(readTextFile(path, 'artifact'), `artifact ${path}`);
}

/** Parses and validates artifact JSON text; every problem is a one-line UserError naming `name`. */
export function parseArtifact(text: string, name = 'artifact'): Artifact {
  return parseValidatedJson(text, artifactSchema, name);
}

export function decodeArtifactInstance(theorem: AnyTheorem, a: Artifact): unknown {
  try {
    return theorem.decodeInstance ? theorem.decodeInstance(a.instance) : decodeValue(a.instance);
  } catch (e) {
    throw new UserError(`artifact for ${a.theoremId} has a malformed instance: ${(e as Error).message}`);
  }
}

export function artifactNumbers(a: Artifact): { lhs: number; rhs: number; margin: number; errorBound: number } {
  return {
    lhs: decodeNumber(a.lhs, 'lhs'),
    rhs: decodeNumber(a.rhs, 'rhs'),
    margin: decodeNumber(a.margin, 'margin'),
    errorBound: decodeNumber(a.errorBound, 'errorBound'),
  };
}
