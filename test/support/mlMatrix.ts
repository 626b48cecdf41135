import { EigenvalueDecomposition, Matrix as MlMatrix, QrDecomposition } from 'ml-matrix';
import type { Matrix } from '../../src/linalg/matrix.ts';
import { gaussianMatrix } from '../../src/random/distributions.ts';
import { createRng } from '../../src/random/rng.ts';

/** The engine's row-major Matrix as an ml-matrix Matrix (the independent reference of the linalg tests). */
export const toMl = (m: Matrix): MlMatrix => new MlMatrix(Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols))));

/** The orthogonal factor Q of the QR factorisation (ml-matrix) of an n × n standard Gaussian matrix drawn from `seed`. */
export const randomOrthogonal = (n: number, seed: string): MlMatrix => new QrDecomposition(toMl(gaussianMatrix(createRng(seed), n, n))).orthogonalMatrix;

/** The eigenvalues of the symmetric matrix a by ml-matrix's EigenvalueDecomposition, ascending. */
export const mlEigenvalues = (a: Matrix): number[] =>
  Array.from(new EigenvalueDecomposition(toMl(a), { assumeSymmetric: true }).realEigenvalues).sort((p, q) => p - q);
