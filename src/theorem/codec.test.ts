import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { decodeValue, encodeValue } from './codec.ts';

describe('exact instance codec', () => {
  test.prop([fc.array(fc.double(), { maxLength: 30 }), fc.double()])('round-trips every double bit-exactly through JSON', (xs, y) => {
    const v = { x: Float64Array.from(xs), m: { rows: 1, cols: xs.length, data: Float64Array.from(xs) }, y, label: 'a' };
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(v)))) as typeof v;
    const bits = (a: Float64Array) => Array.from(new Uint8Array(a.buffer));
    // NaN payloads are not preserved by design (one NaN); compare everything else bit for bit.
    const canon = (a: Float64Array) => bits(Float64Array.from(a, (t) => (Number.isNaN(t) ? NaN : t)));
    expect(canon(back.x)).toEqual(canon(v.x));
    expect(canon(back.m.data)).toEqual(canon(v.m.data));
    expect(Object.is(back.y, y) || (Number.isNaN(back.y) && Number.isNaN(y))).toBe(true);
    expect(back.label).toBe('a');
  });
});
