import fc from 'fast-check';
import { fromRows, type Matrix } from '../../src/linalg/matrix.ts';
import type { ActivationRecord } from '../../src/ntk/activations/record.ts';
import { forward, type Network, networkFromWeights } from '../../src/ntk/network.ts';
import { add, type Dy, dy, mul } from './exactNtk.ts';

/** Entries of a fuzz case: doubles in [−1, 1] and a few exact values (0, ±1, 1 ± 2^-52, …). */
export const fuzzEntry = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(0, 1, -1, 0.5, -0.25, 0.1, -0.3, 3, 2 ** -52, 1 + 2 ** -52));

/** Binary exponents of a fuzz case: the whole double range, moderate scales, and 0. */
export const fuzzExponent = fc.oneof(fc.integer({ min: -1074, max: 1023 }), fc.integer({ min: -60, max: 60 }), fc.constant(0));

/** A fuzz case of the certified-NTK tests: N×d data, hidden widths, exponents of the data and of each layer. */
export interface ScaledCase {
  N: number;
  d: number;
  widths: number[];
  ex: number;
  ew: number[];
}

/**
 * Data and standard-init network of a fuzz case: entries drawn in order from vals (cycled), the data scaled by
 * 2^ex and layer l by 2^ew[l]; the data is filled first, then the layers in order.
 */
export function scaledNetworkCase(c: ScaledCase, vals: readonly number[], activation?: ActivationRecord): { x: Matrix; net: Network } {
  const dims = [c.d, ...c.widths, 1];
  let t = 0;
  const scaled = (rows: number, cols: number, e: number): Matrix => {
    const m = { rows, cols, data: new Float64Array(rows * cols) };
    for (let q = 0; q < m.data.length; q++) m.data[q] = vals[t++ % vals.length] * 2 ** e;
    return m;
  };
  const x = scaled(c.N, c.d, c.ex);
  const ws = dims.slice(1).map((n, l) => scaled(dims[l], n, c.ew[l]));
  const arch = { inputDim: c.d, widths: c.widths, init: 'standard' as const };
  const net = networkFromWeights(activation === undefined ? arch : { ...arch, activation }, ws);
  return { x, net };
}

/**
 * The fields of a ScaledCase and a normalize flag as fast-check arbitraries: N, d ∈ [1, maxN], 1..maxHidden hidden
 * widths in [1, maxWidth], the data exponent and maxHidden + 1 layer exponents from expo.
 */
export function scaledCaseFields(o: { maxN: number; maxWidth: number; maxHidden: number; expo: fc.Arbitrary<number> }) {
  return {
    N: fc.integer({ min: 1, max: o.maxN }),
    d: fc.integer({ min: 1, max: o.maxN }),
    widths: fc.array(fc.integer({ min: 1, max: o.maxWidth }), { minLength: 1, maxLength: o.maxHidden }),
    normalize: fc.boolean(),
    ex: o.expo,
    ew: fc.array(o.expo, { minLength: o.maxHidden + 1, maxLength: o.maxHidden + 1 }),
  };
}

/**
 * Samples on the far side of a hyperplane by less than rounding: x = (w1, −w0'), w0' = w0 + j ulps (j ∈ {±1, ±2}),
 * against the first hidden unit w = (w0, w1) of a 2-3-1 network, so the exact pre-activation w0·w1 − w0'·w1 =
 * (w0 − w0')w1 ≠ 0 while the float pass may give ĝ = 0. Yields every candidate with its float ĝ and exact g (the
 * caller keeps those it needs, e.g. ĝ = 0).
 */
export function* hyperplaneCases(activation?: ActivationRecord): Generator<{ net: Network; x: Matrix; g: number; gExact: Dy }> {
  const arch = { inputDim: 2, widths: [3], init: 'standard' as const, ...(activation ? { activation } : {}) };
  for (let t = 1; t < 200; t++) {
    const w0 = 0.7 + t / 1024,
      w1 = -(1.3 + t / 997);
    for (const j of [1, -1, 2, -2]) {
      const w0p = w0 + j * 2 ** -53; // j ulps of w0 ∈ [0.5, 1)
      const x = fromRows([
        [w1, -w0p],
        [0.8, 0.6],
      ]);
      const net = networkFromWeights(arch, [
        fromRows([
          [w0, -0.4, 0.9],
          [w1, 0.5, 0.2],
        ]),
        fromRows([[1.5], [-0.7], [1.1]]),
      ]);
      const g = forward(net, x).preActivations[0].data[0];
      yield { net, x, g, gExact: add(mul(dy(w1), dy(w0)), mul(dy(-w0p), dy(w1))) };
    }
  }
}

/**
 * The fields of a fuzz case of the certified-NTK tests as fast-check arbitraries: scaledCaseFields with
 * fuzzExponent, and `vals`, nVals entries from fuzzEntry (cycled by scaledNetworkCase).
 */
export function fuzzCaseFields(o: { maxN: number; maxWidth: number; maxHidden: number; nVals: number }) {
  const { nVals, ...sizes } = o;
  return {
    ...scaledCaseFields({ ...sizes, expo: fuzzExponent }),
    vals: fc.array(fuzzEntry, { minLength: nVals, maxLength: nVals }),
  };
}

/** What a fuzz case reports: not certified (nothing to check), or certified, with an ambiguous unit or not, and enclosing the exact value or not. */
export type CertifiedOutcome = { certified: false } | { certified: true; ambiguous: boolean; enclosed: boolean };

/**
 * fc.assert over the cases of arb: a case reported not certified holds; a certified one holds iff it encloses the
 * exact value. Returns how many cases were certified and how many of those had an ambiguous unit, for the caller to
 * show the fuzz is not vacuous.
 */
export function assertCertifiedOrNot<T>(arb: fc.Arbitrary<T>, check: (c: T) => CertifiedOutcome, params: { numRuns: number; seed: number }) {
  const counts = { certified: 0, ambiguous: 0 };
  fc.assert(
    fc.property(arb, (c) => {
      const r = check(c);
      if (!r.certified) return true;
      counts.certified++;
      if (r.ambiguous) counts.ambiguous++;
      return r.enclosed;
    }),
    params,
  );
  return counts;
}
