import type { AnyTheorem } from '../src/theorem/types.ts';
import { arora2019Theorems } from './arora2019.ts';
import { arora2019GeneralizationTheorems } from './arora2019Generalization.ts';
import { concentrationTheorems } from './concentration.ts';
import { du2019TrainingTheorems } from './du2019Training.ts';
import { murray2022Theorems } from './murray2022.ts';
import { nguyen2021Theorems } from './nguyen2021.ts';
import { twoLayerHInfinityTheorems } from './twoLayerHInfinity.ts';

/** The theorem catalog: every claim ntk-audit knows, one module per source. */
export const catalog: readonly AnyTheorem[] = [
  ...twoLayerHInfinityTheorems,
  ...concentrationTheorems,
  ...nguyen2021Theorems,
  ...du2019TrainingTheorems,
  ...murray2022Theorems,
  ...arora2019Theorems,
  ...arora2019GeneralizationTheorems,
];
