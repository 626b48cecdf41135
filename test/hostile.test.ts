import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeKernelReport, type KernelRequest } from '../src/cli/kernel.ts';
import { UserError } from '../src/errors.ts';
import { writeNpy } from '../src/io/npy.ts';
import { fromRows, type Matrix } from '../src/linalg/matrix.ts';
import { sampleData } from '../src/random/distributions.ts';
import { createRng } from '../src/random/rng.ts';

/**
 * Hostile numerics: duplicate points, zero vectors, scales of 1e±150, d = 1, N = 1, depth 50.
 * Every kernel command must give finite, correctly ordered results (lower ≤ estimate ≤ upper, and
 * an enclosure that contains the known answer where there is one) or a clear UserError — never NaN
 * or Infinity in its output.
 */
const dir = mkdtempSync(join(tmpdir(), 'ntk-hostile-'));
let k = 0;
function file(m: Matrix): string {
  const p = join(dir, `x${k++}.npy`);
  writeNpy(p, m);
  return p;
}
const scaled = (m: Matrix, s: number): Matrix => ({ ...m, data: m.data.map((v) => v * s) });
const base = sampleData(createRng('hostile'), { family: 'gaussian' }, 6, 3);

const cases: [string, Matrix, Partial<KernelRequest>, ((r: Awaited<ReturnType<typeof computeKernelReport>>) => void)?][] = [
  ['duplicate points', fromRows([[1, 2, 3], [0.5, -1, 2], [1, 2, 3]]), {}, (r) => expect(r.lambdaMin.lower).toBeLessThanOrEqual(0)],
  ['a zero vector', fromRows([[1, 2], [0, 0], [3, -1]]), {}, (r) => expect(r.lambdaMin.lower).toBeLessThanOrEqual(0)],
  ['scale 1e150', scaled(base, 1e150), {}],
  ['scale 1e-150', scaled(base, 1e-150), {}],
  ['d = 1', fromRows([[1], [-2], [3]]), {}],
  ['N = 1', fromRows([[0.3, -0.4]]), {}, (r) => {
    // K = L‖x‖² exactly for one point.
    expect(r.lambdaMin.lower).toBeLessThanOrEqual(2 * 0.25);
    expect(r.lambdaMin.upper).toBeGreaterThanOrEqual(2 * 0.25);
  }],
  ['depth 50', base, { depth: 50 }],
];

describe('hostile inputs give finite results or clear errors', () => {
  for (const kind of ['limiting', 'nngp', 'h-infinity', 'ntk-empirical'] as const) {
    for (const [name, m, extra, check] of cases) {
      it(`${kind}: ${name}`, async () => {
        const depth = extra.depth ?? 2;
        const req: KernelRequest = { kind, data: file(m), depth: kind === 'ntk-empirical' ? Math.min(depth, 4) : depth, normalize: false, json: true, ...(kind === 'ntk-empirical' ? { widths: Array(Math.min(depth, 4) - 1).fill(16), init: 'he' as const, seed: 1 } : {}) };
        let r;
        try {
          r = await computeKernelReport(req);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
          expect((e as Error).message).not.toMatch(/\n/);
          return;
        }
        for (const v of [r.lambdaMin.lower, r.lambdaMin.estimate, r.lambdaMin.upper, r.lambdaMax, r.trace]) expect(Number.isFinite(v), `${JSON.stringify(r.lambdaMin)} λmax ${r.lambdaMax} tr ${r.trace}`).toBe(true);
        expect(r.lambdaMin.lower).toBeLessThanOrEqual(r.lambdaMin.estimate);
        expect(r.lambdaMin.estimate).toBeLessThanOrEqual(r.lambdaMin.upper);
        if (kind === 'limiting' && name !== 'depth 50') check?.(r);
      });
    }
  }
});
