import { describe, expect, it } from 'vitest';
import { catalog } from '../properties/index.ts';
import { evaluate } from '../src/theorem/verdict.ts';

/**
 * The conventions a report prints for a scaling claim name the sample size its sweep actually draws: for every
 * claim whose conventions state "N = <k> points", the first draw of each regime materialises k points.
 */
describe('scaling claims: the stated N is the N of the sweep', () => {
  for (const t of catalog.filter((c) => c.scalingLaw && /N = \d+ points/.test(String(c.conventions.data ?? '')))) {
    it(t.id, () => {
      const stated = Number(/N = (\d+) points/.exec(String(t.conventions.data))![1]);
      const law = t.scalingLaw!;
      for (const regime of law.regimes) {
        const d = law.design({ regime, size: law.sizes[0], draw: 0, seed: 'conv' });
        const ev = evaluate(t, d);
        expect((ev.instance as { x: { rows: number } }).x.rows, `${t.id} ${regime}`).toBe(stated);
      }
    });
  }
});
