import type { AnyTheorem } from '../src/theorem/types.ts';
import { nguyen2021FiniteWidthTheorems } from './nguyen2021FiniteWidth.ts';
import { nguyen2021LemmaTheorems } from './nguyen2021Lemmas.ts';
import { nguyen2021LimitingTheorems } from './nguyen2021Limiting.ts';
import { nguyen2021LipschitzTheorems } from './nguyen2021Lipschitz.ts';
import { nguyen2021MonteCarloTheorems } from './nguyen2021MonteCarlo.ts';
import { nguyen2021ScalingTheorems } from './nguyen2021Scaling.ts';
import { nguyen2021WideScalingTheorems } from './nguyen2021WideScaling.ts';

/**
 * Nguyen, Mondelli, Montúfar 2021 (arXiv 2012.11654v5): every claim of the catalog from this paper.
 * Limiting-kernel and Hermite claims: nguyen2021Limiting.ts; finite-width claims: nguyen2021FiniteWidth.ts.
 */
/**
 * Supporting statements (step (d) of Thm 3.2, Lemmas 4.3, 5.2, Thm 5.1 upper, the Sec. 3 remark): nguyen2021Lemmas.ts;
 * asymptotic claims judged by their exponents: nguyen2021Scaling.ts (limiting, in d), nguyen2021WideScaling.ts (finite width).
 */
export const nguyen2021Theorems: AnyTheorem[] = [
  ...nguyen2021LimitingTheorems,
  ...nguyen2021FiniteWidthTheorems,
  ...nguyen2021LipschitzTheorems,
  ...nguyen2021MonteCarloTheorems,
  ...nguyen2021ScalingTheorems,
  ...nguyen2021WideScalingTheorems,
  ...nguyen2021LemmaTheorems,
];
