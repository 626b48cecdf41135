/** Dense linear algebra on row-major Float64Array matrices (see ../../shared/design.md, perf-notes.md). */
export * from './matrix.ts';
export * from './blas.ts';
export * from './cholesky.ts';
export * from './eigh.ts';
export * from './lambdaMin.ts';
export * from './sigmaMin.ts';
export * from './norm.ts';
