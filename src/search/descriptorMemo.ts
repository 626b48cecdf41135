/**
 * The search's memo of evaluated descriptors, keyed by the descriptor's JSON VALUE: two descriptors
 * are the same entry exactly when JSON.stringify would print them identically (−0 and 0 are one
 * number, non-finite numbers and undefined array entries are null, undefined/function properties
 * are absent, key order counts) — the key the memo used before, so which instances are evaluated is
 * unchanged.
 *
 * Why not JSON.stringify itself: it prints every number in shortest round-trip decimal, and point-set
 * descriptors carry hundreds of coordinates; the key was 6.5 % of the search time of the H∞ claims in
 * bench/throughput.ts. Here a 53-bit hash is fed the numbers' IEEE bits (two murmur3-style 32-bit
 * lanes) and a hit is confirmed by a structural comparison under the same equivalence, so a hash
 * collision costs a comparison, never a wrong answer.
 */
import type { Descriptor } from '../theorem/types.ts';

interface Entry<V> {
  descriptor: Descriptor;
  value: V;
  next: Entry<V> | undefined;
}

export class DescriptorMemo<V> {
  private readonly map = new Map<number, Entry<V>>();

  /** The value stored for a descriptor with the same JSON value as d, or undefined (h: d's hash, if known). */
  get(d: Descriptor, h = descriptorHash(d)): V | undefined {
    for (let e = this.map.get(h); e; e = e.next) if (jsonEqual(e.descriptor, d)) return e.value;
    return undefined;
  }

  /** Stores (or replaces) the value of d's JSON value (h: d's hash, if known). */
  set(d: Descriptor, value: V, h = descriptorHash(d)): void {
    const head = this.map.get(h);
    for (let e = head; e; e = e.next)
      if (jsonEqual(e.descriptor, d)) {
        e.value = value;
        return;
      }
    this.map.set(h, { descriptor: d, value, next: head });
  }
}

// ---- hash -------------------------------------------------------------------------------------

const BITS = new Float64Array(1);
const WORDS = new Int32Array(BITS.buffer);

/** Hash state: two independent 32-bit lanes (a small object per call; no state survives a call). */
interface Lanes {
  a: number;
  b: number;
}

function feed(h: Lanes, x: number): void {
  let k = Math.imul(x, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  let a = h.a ^ k;
  a = (a << 13) | (a >>> 19);
  h.a = (Math.imul(a, 5) + 0xe6546b64) | 0;
  let j = Math.imul(x ^ 0x5bd1e995, 0x85ebca6b);
  j = Math.imul((j << 17) | (j >>> 15), 0xc2b2ae35);
  let b = h.b ^ j;
  b = (b << 11) | (b >>> 21);
  h.b = (Math.imul(b, 9) + 0x52dce729) | 0;
}

const T_NULL = 1,
  T_FALSE = 2,
  T_TRUE = 3,
  T_NUMBER = 4,
  T_STRING = 5,
  T_ARRAY = 6,
  T_OBJECT = 7,
  T_END = 8;

/** JSON.stringify drops these as property values (and prints them as null inside arrays). */
function isSkipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function feedString(h: Lanes, s: string): void {
  feed(h, T_STRING);
  feed(h, s.length);
  for (let i = 0; i < s.length; i++) feed(h, s.charCodeAt(i));
}

function feedValue(h: Lanes, v: unknown): void {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      feed(h, T_NULL);
      return;
    }
    BITS[0] = v === 0 ? 0 : v; // −0 prints as 0
    feed(h, T_NUMBER);
    feed(h, WORDS[0]);
    feed(h, WORDS[1]);
  } else if (typeof v === 'string') {
    feedString(h, v);
  } else if (typeof v === 'boolean') {
    feed(h, v ? T_TRUE : T_FALSE);
  } else if (v === null || isSkipped(v)) {
    feed(h, T_NULL);
  } else if (Array.isArray(v)) {
    feed(h, T_ARRAY);
    feed(h, v.length);
    for (let i = 0; i < v.length; i++) feedValue(h, v[i]);
  } else if (typeof v === 'object') {
    feed(h, T_OBJECT);
    const o = v as Record<string, unknown>;
    for (const key in o) {
      if (!Object.hasOwn(o, key) || isSkipped(o[key])) continue;
      feedString(h, key);
      feedValue(h, o[key]);
    }
    feed(h, T_END);
  } else {
    feed(h, T_NULL); // bigint would make JSON.stringify throw; descriptors never hold one
  }
}

/** A 53-bit hash of d's JSON value (equal JSON ⇒ equal hash). */
export function descriptorHash(d: unknown): number {
  const h: Lanes = { a: 0x3c6ef372, b: 0x1f83d9ab };
  feedValue(h, d);
  return (h.a >>> 0) * 2097152 + (h.b >>> 11);
}

// ---- equality ---------------------------------------------------------------------------------

/** True iff JSON.stringify(x) === JSON.stringify(y) (for the plain data descriptors are made of). */
export function jsonEqual(x: unknown, y: unknown): boolean {
  if (typeof x === 'number' && typeof y === 'number') return Number.isFinite(x) ? x === y : !Number.isFinite(y); // 0 === −0
  const nx = x === null || isSkipped(x) || (typeof x === 'number' && !Number.isFinite(x));
  const ny = y === null || isSkipped(y) || (typeof y === 'number' && !Number.isFinite(y));
  if (nx || ny) return nx && ny;
  if (typeof x !== typeof y) return false;
  if (typeof x !== 'object') return x === y;
  const ax = Array.isArray(x),
    ay = Array.isArray(y);
  if (ax !== ay) return false;
  if (ax) {
    const a = x as unknown[],
      b = y as unknown[];
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  // Objects: the same printed keys in the same order, with equal values.
  const a = x as Record<string, unknown>,
    b = y as Record<string, unknown>;
  const kb: string[] = [];
  for (const key in b) if (Object.hasOwn(b, key) && !isSkipped(b[key])) kb.push(key);
  let i = 0;
  for (const key in a) {
    if (!Object.hasOwn(a, key) || isSkipped(a[key])) continue;
    if (i >= kb.length || kb[i] !== key || !jsonEqual(a[key], b[key])) return false;
    i++;
  }
  return i === kb.length;
}
