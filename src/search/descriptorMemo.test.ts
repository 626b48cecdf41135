import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DescriptorMemo, descriptorHash, jsonEqual } from './descriptorMemo.ts';

// Descriptor-like values, with the cases where JSON printing merges distinct values: −0 and 0,
// NaN/±Infinity and null, undefined properties (dropped) and undefined array entries (null).
const leaf = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1, 0.1),
  fc.integer({ min: -3, max: 3 }),
  fc.string({ maxLength: 3 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'n', 'seed', '0', '1'), tie('value'), { maxKeys: 4 }),
}));

/** A copy of v with some leaves replaced by JSON-equivalent ones (or, with `change`, one leaf altered). */
function twin(v: unknown, rnd: () => number, change: boolean): unknown {
  if (typeof v === 'number') {
    if (change && rnd() < 0.3) return v + 1;
    if (v === 0) return rnd() < 0.5 ? -0 : 0;
    if (!Number.isFinite(v)) return rnd() < 0.5 ? null : -Infinity;
    return v;
  }
  if (v === null) return rnd() < 0.5 ? NaN : null;
  if (Array.isArray(v)) return v.map((x) => (x === undefined && rnd() < 0.5 ? null : twin(x, rnd, change)));
  if (typeof v === 'object' && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!(x === undefined && rnd() < 0.5)) o[k] = twin(x, rnd, change);
    return o;
  }
  return v;
}

describe('descriptor memo keys', () => {
  it('jsonEqual(x, y) ⇔ JSON.stringify([x]) === JSON.stringify([y]), and equal JSON ⇒ equal hash', () => {
    fc.assert(
      fc.property(value, value, fc.integer(), fc.boolean(), (x, other, seed, change) => {
        let s = seed | 0;
        const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 0) / 2 ** 32;
        for (const y of [twin(x, rnd, change), other]) {
          // compared as array entries (a descriptor is an object: its values never stand at the top level,
          // where JSON.stringify(undefined) is not a string)
          const same = JSON.stringify([x]) === JSON.stringify([y]);
          expect(jsonEqual(x, y)).toBe(same);
          expect(jsonEqual(y, x)).toBe(same);
          if (same) expect(descriptorHash(x)).toBe(descriptorHash(y));
        }
      }),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('distinct JSON values get distinct hashes (no collision among 20,000 point-set-like descriptors)', () => {
    const seen = new Map<number, string>();
    for (let i = 0; i < 20000; i++) {
      const d = {
        points: [
          [i % 7, i / 13],
          [0.5, -i],
        ],
        geometry: i % 3 ? 'generic' : 'duplicate',
        exponent: i % 5,
        seed: String(i >> 2),
      };
      const h = descriptorHash(d),
        j = JSON.stringify(d);
      if (seen.has(h)) expect(seen.get(h)).toBe(j);
      seen.set(h, j);
    }
    expect(seen.size).toBe(20000);
  });

  it('the memo returns what was stored for a JSON-equal descriptor, also under a forced hash collision', () => {
    const m = new DescriptorMemo<string>();
    m.set({ n: 0, seed: 's' }, 'zero');
    expect(m.get({ n: -0, seed: 's', extra: undefined })).toBe('zero');
    expect(m.get({ seed: 's', n: 0 })).toBeUndefined(); // key order is part of the JSON value
    m.set({ n: 0, seed: 's' }, 'replaced');
    expect(m.get({ n: 0, seed: 's' })).toBe('replaced');
    // Two different descriptors on one chain (as after a collision): each finds its own entry.
    const chained = new DescriptorMemo<string>();
    const map = (chained as unknown as { map: Map<number, unknown> }).map;
    const a = { n: 1 },
      b = { n: 2 };
    chained.set(a, 'a');
    map.set(descriptorHash(b), map.get(descriptorHash(a)));
    chained.set(b, 'b');
    expect(chained.get(a)).toBe('a');
    expect(chained.get(b)).toBe('b');
    expect(chained.get({ n: 3 })).toBeUndefined();
  });
});
