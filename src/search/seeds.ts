import { createHash } from 'node:crypto';

/** A 32-bit integer seed for fast-check derived from the run seed and labels (stable, platform-independent). */
export function fastCheckSeed(runSeed: string, ...labels: string[]): number {
  const h = createHash('sha256')
    .update([runSeed, ...labels].join('\u0000'))
    .digest();
  return h.readInt32LE(0);
}
