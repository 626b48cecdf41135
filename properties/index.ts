import type { AnyTheorem } from '../src/theorem/types.ts';
import { concentrationTheorems } from './concentration.ts';
import { nguyen2021Theorems } from './nguyen2021.ts';
import { twoLayerHInfinityTheorems } from './twoLayerHInfinity.ts';

/** The theorem catalog: every claim ntk-audit knows, one module per source. */
export const catalog: readonly AnyTheorem[] = [...twoLayerHInfinityTheorems, ...concentrationTheorems, ...nguyen2021Theorems];

export function findTheorem(id: string): AnyTheorem | undefined {
  return catalog.find((t) => t.id === id);
}
