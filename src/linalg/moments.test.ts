import { describe, expect, it } from 'vitest';
import { centredMoments } from './moments.ts';

describe('centredMoments', () => {
  it('means and centred sums of a small sample, exact in binary (by hand: deviations ±1.5, ±0.5 and −2, 0, −1, 3)', () => {
    expect(centredMoments([1, 2, 3, 4], [1, 3, 2, 6])).toEqual({ meanA: 2.5, meanB: 3, saa: 5, sab: 7, sbb: 14 });
  });

  it('a constant sample has zero spread', () => {
    const m = centredMoments(Float64Array.of(7, 7, 7), [1, 2, 3]);
    expect([m.meanA, m.saa, m.sab, m.sbb]).toEqual([7, 0, 0, 2]);
  });
});
