import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Matrix } from '../linalg/matrix.ts';
import { decodeArtifactInstance, npyPathOf, readArtifact } from '../search/artifact.ts';
import { decodeValue } from '../theorem/codec.ts';
import type { AnyTheorem } from '../theorem/types.ts';
import type { CounterexampleReport } from './schema.ts';

/**
 * The data of a counterexample, for the HTML report (src/report/html.ts): the data matrix X (N × d, one
 * sample per row) and the labels y where the instance has them.
 *
 * Source, in this order:
 *  - the counterexample artifact beside the report (src/search/artifact.ts): the exact instance, every
 *    float64 as a round-trip string, decoded as `ntk-audit replay` decodes it (decodeArtifactInstance with
 *    the claim when the catalog is at hand, the generic codec of src/theorem/codec.ts otherwise);
 *  - a report item without an artifact on disk: the claim materialises the instance from its descriptor
 *    (Theorem.materialize, deterministic given the descriptor — what the search evaluated), when the claim
 *    is in the catalog.
 * Never throws: a file that cannot be read or decoded gives a one-line note instead of the data.
 */

/** Counterexamples with at most this many samples get their data as a table in the HTML report. */
export const MAX_DATA_ROWS = 16;
/** Columns of X shown in that table; wider data sets show the first ones and link the .npy file. */
export const MAX_DATA_COLS = 8;

export interface CounterexampleData {
  /** The instance's field holding X (the .npy beside the artifact is named after it). */
  field: string;
  x: Matrix;
  /** Labels y_1..y_N, when the instance has a float64 vector `y` of length N. */
  y: Float64Array | null;
  from: 'artifact' | 'descriptor';
  /** The .npy file of X beside the artifact, relative to the report's folder like `artifact`; null when absent. */
  npy: string | null;
}

/** The data of one counterexample of claim `theoremId`, or a note saying why they are not shown (both null: the instance has no data matrix). */
export type CounterexampleDataSource = (theoremId: string, c: CounterexampleReport) => { data: CounterexampleData | null; note: string | null };

function isMatrix(v: unknown): v is Matrix {
  const m = v as Matrix | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.data instanceof Float64Array &&
    Number.isInteger(m.rows) &&
    Number.isInteger(m.cols) &&
    m.rows * m.cols === m.data.length
  );
}

/** X and y of a decoded instance: the matrix field `x` (else `X`, else the first matrix field) and a vector `y` of matching length. */
export function instanceData(instance: unknown): { field: string; x: Matrix; y: Float64Array | null } | null {
  if (instance === null || typeof instance !== 'object') return null;
  const o = instance as Record<string, unknown>;
  const field = ['x', 'X'].find((k) => isMatrix(o[k])) ?? Object.keys(o).find((k) => isMatrix(o[k]));
  if (field === undefined) return null;
  const x = o[field] as Matrix;
  const yv = o.y;
  const y = yv instanceof Float64Array && yv.length === x.rows ? yv : isMatrix(yv) && yv.data.length === x.rows ? yv.data : null;
  return { field, x, y };
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);

/**
 * Reads counterexample data for a report written to `reportDir` (artifact paths in a report are relative to
 * it, src/report/build.ts). `catalog`: the claims of the run, for their own instance decoders and for
 * materialising items without an artifact.
 */
export function counterexampleDataFrom(reportDir: string, catalog: readonly AnyTheorem[] = []): CounterexampleDataSource {
  return (theoremId, c) => {
    const theorem = catalog.find((t) => t.id === theoremId);
    try {
      if (c.artifact !== null) {
        const path = resolve(reportDir, c.artifact);
        if (existsSync(path)) {
          const a = readArtifact(path);
          if (a.theoremId !== theoremId) return { data: null, note: `data not shown: the artifact names claim ${a.theoremId}` };
          const d = instanceData(theorem ? decodeArtifactInstance(theorem, a) : decodeValue(a.instance));
          if (!d) return { data: null, note: null };
          const npy = npyPathOf(c.artifact, d.field);
          return { data: { ...d, from: 'artifact', npy: existsSync(resolve(reportDir, npy)) ? npy : null }, note: null };
        }
      }
      if (!theorem) return { data: null, note: c.artifact !== null ? `data not shown: the artifact is not at ${c.artifact} beside this report` : null };
      const d = instanceData(theorem.materialize(c.descriptor));
      return { data: d ? { ...d, from: 'descriptor', npy: null } : null, note: null };
    } catch (e) {
      return { data: null, note: `data not shown: ${firstLine(e)}` };
    }
  };
}
