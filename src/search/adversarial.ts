import type { Rng } from '../random/rng.ts';
import { fillGaussian } from '../random/rng.ts';
import type { AnyTheorem, Descriptor } from '../theorem/types.ts';
import { crossEntropyMinimize } from './crossEntropy.ts';

/**
 * The targeted search over point coordinates (docs/architecture.md#search): from an instance close to failing,
 * one data point x_i — the later of the two rows closest in angle (|cos| largest, antipodes included) — is
 * moved to minimise the relative margin, with the cross-entropy method (crossEntropy.ts) over its d
 * coordinates. Each generation also evaluates structured moves of the current point m:
 *   towards another point   x_j + (m − x_j)/8 and x_j + (m − x_j)/1024      (near-duplicates)
 *   towards an antipode     −x_j + (m + x_j)/8                                 (antipodal pairs)
 *   onto / off a subspace   P m + (m − P m)/8, and m + ‖m‖/8 · v, v ⊥ span{x_k : k ≠ i} a random unit vector,
 *                           P the projector onto span{x_k : k ≠ i} (when that span is not all of R^d)
 *   along a coordinate      m with coordinate (generation mod d) divided by 8
 *   along its direction     m/8 and 8m                                         (heavy-tailed norms)
 * The moved row is recorded in the descriptor (Theorem.points.withRows), so every candidate is an ordinary,
 * replayable instance: it is evaluated by the certified conclusion and is a counterexample only when its
 * margin is below −(its error bound). Every evaluation counts toward the phase's `steps`; the phase stops
 * at the first certified violation of a start. Deterministic in (starts, steps, rng).
 */
export function runPointSearch(
  theorem: AnyTheorem,
  starts: readonly Descriptor[],
  steps: number,
  rng: Rng,
  evaluate: (d: Descriptor) => { value: number; violated: boolean },
): void {
  const pts = theorem.points;
  if (!pts || steps <= 0 || starts.length === 0) return;
  const perStart = Math.max(1, Math.floor(steps / starts.length));
  for (const start of starts) {
    const x = pts.rows(start);
    const n = x.rows,
      d = x.cols,
      a = x.data;
    if (n === 0 || d === 0) continue;
    const rowOf = (i: number) => a.subarray(i * d, (i + 1) * d);
    const norm = (v: ArrayLike<number>) => {
      let s = 0;
      for (let k = 0; k < v.length; k++) s += v[k] * v[k];
      return Math.sqrt(s);
    };
    let mi = n - 1,
      mj = n >= 2 ? 0 : -1,
      bestCos = -1;
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const xi = rowOf(i),
          xj = rowOf(j);
        let dot = 0;
        for (let k = 0; k < d; k++) dot += xi[k] * xj[k];
        const c = Math.abs(dot) / (norm(xi) * norm(xj));
        if (c > bestCos) {
          bestCos = c;
          mi = i;
          mj = j;
        }
      }
    }
    const xj = mj >= 0 ? Float64Array.from(rowOf(mj)) : null;
    const basis = orthonormalBasis(
      Array.from({ length: n }, (_, k) => k)
        .filter((k) => k !== mi)
        .map(rowOf),
      d,
    );
    const project = (m: Float64Array) => {
      const p = new Float64Array(d);
      for (const b of basis) {
        let c = 0;
        for (let k = 0; k < d; k++) c += b[k] * m[k];
        for (let k = 0; k < d; k++) p[k] += c * b[k];
      }
      return p;
    };
    const combo = (base: Float64Array, sb: number, m: Float64Array, f: number) => Float64Array.from(m, (v, k) => sb * base[k] + (v - sb * base[k]) * f);
    const proposals = (m: Float64Array, gen: number): Float64Array[] => {
      const out: Float64Array[] = [];
      if (xj) out.push(combo(xj, 1, m, 1 / 8), combo(xj, 1, m, 1 / 1024), combo(xj, -1, m, 1 / 8));
      if (basis.length < d) {
        const p = project(m);
        out.push(combo(p, 1, m, 1 / 8));
        const v = fillGaussian(rng, new Float64Array(d));
        const pv = project(v);
        for (let k = 0; k < d; k++) v[k] -= pv[k];
        const nv = norm(v);
        if (nv > 0) out.push(Float64Array.from(m, (mk, k) => mk + (norm(m) / 8) * (v[k] / nv)));
      }
      const c = Float64Array.from(m);
      c[gen % d] /= 8;
      out.push(
        c,
        Float64Array.from(m, (v) => v / 8),
        Float64Array.from(m, (v) => v * 8),
      );
      return out;
    };
    const xi = Float64Array.from(rowOf(mi));
    const s0 = (norm(xi) || 1) / (4 * Math.sqrt(d));
    crossEntropyMinimize(
      (cand) => {
        if (!cand.every(Number.isFinite)) return Infinity; // not a data set (a sample overflowed): counted, not evaluated
        const r = evaluate(pts.withRows(start, new Map([[mi, cand]])));
        return r.violated ? -Infinity : r.value;
      },
      { mean: xi, sigma: new Float64Array(d).fill(s0), evaluations: perStart, population: 12, elites: 4, rng, proposals, stop: (v) => v === -Infinity },
    );
  }
}

/** An orthonormal basis of the span of `rows` (modified Gram–Schmidt, twice; directions below 1e-10 of their norm dropped). */
function orthonormalBasis(rows: Float64Array[], d: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (const r of rows) {
    if (out.length >= d) break;
    const v = Float64Array.from(r);
    let n0 = 0;
    for (let k = 0; k < d; k++) n0 += v[k] * v[k];
    n0 = Math.sqrt(n0);
    if (!(n0 > 0) || !Number.isFinite(n0)) continue;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of out) {
        let c = 0;
        for (let k = 0; k < d; k++) c += b[k] * v[k];
        for (let k = 0; k < d; k++) v[k] -= c * b[k];
      }
    }
    let nv = 0;
    for (let k = 0; k < d; k++) nv += v[k] * v[k];
    nv = Math.sqrt(nv);
    if (nv <= 1e-10 * n0) continue;
    for (let k = 0; k < d; k++) v[k] /= nv;
    out.push(v);
  }
  return out;
}
