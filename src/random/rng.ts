import seedrandom from 'seedrandom';

/**
 * Seeded random streams. A stream is a plain object holding a seedrandom generator (Alea: fast,
 * 2^116 period, fully determined by its seed string); there is no global generator. Child streams
 * are derived from a parent seed and a path of labels, so that a task's randomness depends only on
 * (run seed, task identity) and never on scheduling or the number of workers.
 */
export interface Rng {
  readonly seed: string;
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
}

export type Seed = string | number;

export function createRng(seed: Seed): Rng {
  const s = String(seed);
  const prng = seedrandom.alea(s);
  return { seed: s, next: () => prng.double() };
}

/** Derives a child seed from a parent seed and labels (stable across runs and platforms). */
export function deriveSeed(seed: Seed, ...path: (string | number)[]): string {
  return [String(seed), ...path.map(String)].join('/');
}

export function childRng(seed: Seed, ...path: (string | number)[]): Rng {
  return createRng(deriveSeed(seed, ...path));
}

/** Standard normal N(0,1) by the Marsaglia polar method (exact in distribution, no trig calls). */
export function gaussian(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.next() - 1;
    const v = 2 * rng.next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** Fills `out` with i.i.d. N(0, scale²) samples and returns it. */
export function fillGaussian(rng: Rng, out: Float64Array, scale = 1): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = scale * gaussian(rng);
  return out;
}

/** Uniform integer in [0, n). */
export function uniformInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}
