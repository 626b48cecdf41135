import { fc } from '@fast-check/vitest';

/**
 * Arbitraries shared by the whole-float64-range fuzz of the kernels (test/kernelRange.test.ts,
 * test/activationRange.test.ts).
 */

/**
 * Binary exponents over the whole float64 range (−1074 … 1023), with extra weight where Gram products under- or
 * overflow, and `moderate` (the test's own choice of ordinary scales).
 */
export function rangeExponent(moderate: fc.Arbitrary<number>): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: -1074, max: 1023 }),
    fc.integer({ min: -560, max: -500 }), // Gram products around the subnormal range
    fc.integer({ min: 480, max: 520 }), // Gram products around overflow
    moderate,
  );
}

/** Mantissas of the data entries: doubles in [−1, 1] and the exact values 0, 1, −0.5. */
export const rangeMantissa = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(0, 1, -0.5));

/**
 * The fields of the 'ntk' parameterisation of a case: whether it is used, W_std = wMant·2^wExp (wMant ∈ [1, 2)),
 * and whether b_std > 0, with its exponent.
 */
export function ntkFields(exponent: fc.Arbitrary<number>) {
  return {
    ntk: fc.boolean(),
    wExp: exponent,
    wMant: fc.double({ min: 1, max: 2, noNaN: true, maxExcluded: true }),
    bias: fc.boolean(),
    bExp: exponent,
  };
}
