import { lambdaMinCertified } from '../src/linalg/lambdaMin.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { limitingKernels } from '../src/ntk/limiting.ts';
import { type DataDescriptor, materializeData, sweepDescriptors } from '../src/theorem/arbitraries.ts';
import { fromEnclosure, positiveDraw } from '../src/theorem/sides.ts';
import type { Evaluation, ScalingLaw, Theorem } from '../src/theorem/types.ts';
import { LIMITING_CONVENTIONS } from './nguyen2021Limiting.ts';
import { NMM_SOURCE } from './papers.ts';
import { claimOrTwin, claimOrTwinConstant } from './twins.ts';

/**
 * Nguyen, Mondelli, Montúfar 2021 (arXiv 2012.11654v5): the asymptotic statements judged by their
 * exponents (docs/architecture.md#scaling-verdicts), each with planted twins whose exponent is off by ±0.2.
 */

type ThetaDDesc = { [key: string]: unknown; data: DataDescriptor; depth: number };
interface XInstance {
  x: Matrix;
}

// ------------------------------------------------------------------------------------------------
// Theorem 3.2: λ_min(K(L)) = Θ(d) at fixed N (lower bound μ_r²Ω(d), upper bound L·O(d), w.h.p.).

/**
 * The sweep: N = 8, d from 400 to 16,000 (1.6 decades), L ∈ {2, 3, 5}, Gaussian and √d-sphere data.
 * Measured (N = 8, 8 draws per size, level 0.05/300): slopes 1.01–1.03 with intervals inside [0.99, 1.05];
 * at N = 32 the local slope is still 1.03–1.07 (the Θ(d) regime needs d ≫ N), at d ≤ 2048 it was 1.07–1.11.
 */
const THM32_SIZES = [400, 1000, 2500, 6300, 16000] as const;
const THM32_REGIMES = ['L=2, gaussian', 'L=3, sqrt-d-sphere', 'L=5, gaussian'] as const;
const THM32_N = 8;

function thm32Design(p: { regime: string; size: number; seed: string }): ThetaDDesc {
  const m = /^L=(\d+), (gaussian|sqrt-d-sphere)$/.exec(p.regime);
  if (!m) throw new RangeError(`unknown regime ${p.regime}`);
  return { data: { n: THM32_N, d: p.size, family: m[2] as 'gaussian' | 'sqrt-d-sphere', shift: 0, seed: p.seed }, depth: Number(m[1]) };
}

function thm32Scaling(exponent: number, twin: boolean): Theorem<ThetaDDesc, XInstance> {
  const law: ScalingLaw<ThetaDDesc> = {
    variable: 'd',
    quantity: 'λ_min(K(L))',
    quantityTex: String.raw`\lambda_{\mathrm{min}}(K^{(L)})`,
    variableTex: 'd',
    relation: 'Theta',
    exponent,
    tolerance: 0.1,
    sizes: THM32_SIZES,
    regimes: THM32_REGIMES,
    design: thm32Design,
    minDraws: 4,
    maxDraws: 12,
  };
  const shift = exponent - 1;
  return {
    ...claimOrTwin(twin, {
      claim: {
        id: 'nguyen2021.thm3.2.scaling',
        title: 'Theorem 3.2: λ_min(K(L)) = Θ(d) at fixed N',
        statement:
          'For zero-mean i.i.d. data with E‖x‖² = d (Assumptions 2.1–2.2), N fixed, L fixed: λ_min(K(L)) = Θ(d) as d → ∞ — the lower bound μ_r(σ)²Ω(d) and the upper bound L·O(d) together. Judged by the log-log slope in d.',
        statementTex: String.raw`For zero-mean i.i.d. data with $\mathbb{E}\lVert x \rVert^2 = d$ (Assumptions 2.1–2.2), $N$ fixed, $L$ fixed: $\lambda_{\mathrm{min}}(K^{(L)}) = \Theta(d)$ as $d \to \infty$ — the lower bound $\mu_r(\sigma)^2\Omega(d)$ and the upper bound $L \cdot O(d)$ together. Judged by the log-log slope in $d$.`,
      },
      twin: {
        id: `planted.nguyen2021.thm3.2.scaling-d^${exponent}`,
        title: `PLANTED (exponent ${shift > 0 ? '+' : ''}${shift.toFixed(1)}): λ_min(K(L)) = Θ(d^${exponent}) at fixed N`,
        statement: `PLANTED: λ_min(K(L)) grows like d^${exponent} as d → ∞ at fixed N and L (the theorem says d^1).`,
        statementTex: String.raw`PLANTED: $\lambda_{\mathrm{min}}(K^{(L)})$ grows like $d^{${exponent}}$ as $d \to \infty$ at fixed $N$ and $L$ (the theorem says $d^1$).`,
      },
    }),
    source: { ...NMM_SOURCE, statement: 'Theorem 3.2 (v5): μ_r(σ)²Ω(d) ≤ λ_min(K(L)) ≤ L·O(d) w.h.p.' },
    kind: 'asymptotic',
    conventions: { ...LIMITING_CONVENTIONS, data: 'N(0, I_d) or uniform on the √d-sphere (E‖x‖² = d), zero mean, i.i.d.', N: THM32_N },
    constants: [
      claimOrTwinConstant(
        twin,
        { name: 'exponent', value: exponent, provenance: 'paper', note: 'Θ(d): exponent 1 in d, both bounds of Theorem 3.2' },
        { note: 'planted error: the exponent of d shifted' },
      ),
    ],
    // Random exploration is replaced by the designed sweep; the arbitrary serves the catalog's per-instance test.
    descriptors: sweepDescriptors(THM32_REGIMES, THM32_SIZES, thm32Design),
    materialize: (d) => ({ x: materializeData(d.data) }),
    assumptions(i, d) {
      if (d.data.shift !== 0) return 'zero-mean data';
      return i.x.rows >= 2 ? null : 'N ≥ 2';
    },
    conclude(i, d): Evaluation {
      const lim = limitingKernels(i.x, { depth: d.depth });
      const lk = lambdaMinCertified(lim.ntk, { entryError: lim.ntkErrorBound });
      return positiveDraw(fromEnclosure(lk), { d: i.x.cols, N: i.x.rows, L: d.depth, lambdaMin: lk.estimate });
    },
    scalingLaw: law,
    costHint: 400,
  };
}

export const thm32ScalingClaim = thm32Scaling(1, false);

export const nguyen2021ScalingTheorems = [thm32ScalingClaim, thm32Scaling(1.2, true), thm32Scaling(0.8, true)];
