/**
 * Activation records by name (the `--activation NAME` of the CLI and `activation` of audits):
 *   relu, leaky-relu:α (α finite), abs, identity  — the (a,b)-ReLU family (abRelu.ts);
 *   erf                                            — closed-form dual kernels (erf.ts);
 *   tanh, sigmoid                                  — certified quadrature (smooth.ts);
 *   gelu                                           — closed-form dual kernels (gelu.ts);
 *   softplus                                       — certified quadrature and the sigmoid kernel (softplus.ts).
 */
import { UserError } from '../../errors.ts';
import { absRecord, identityRecord, leakyReluRecord, reluRecord } from './abRelu.ts';
import { erfRecord } from './erf.ts';
import { geluRecord } from './gelu.ts';
import type { ActivationRecord } from './record.ts';
import { sigmoidRecord, tanhRecord } from './smooth.ts';
import { softplusRecord } from './softplus.ts';

export type { ActivationRecord, DualEnclosure, DerivativeBounds } from './record.ts';
export { abReluRecord, reluRecord, leakyReluRecord, absRecord, identityRecord } from './abRelu.ts';
export { erfRecord } from './erf.ts';
export { tanhRecord, sigmoidRecord } from './smooth.ts';
export { geluRecord } from './gelu.ts';
export { softplusRecord } from './softplus.ts';

/** The names `activationByName` accepts (leaky-relu takes its slope after a colon). */
export const ACTIVATION_NAMES = ['relu', 'leaky-relu:α', 'abs', 'identity', 'erf', 'tanh', 'sigmoid', 'gelu', 'softplus'] as const;

const FIXED: Record<string, () => ActivationRecord> = {
  relu: reluRecord,
  abs: absRecord,
  identity: identityRecord,
  erf: erfRecord,
  tanh: tanhRecord,
  sigmoid: sigmoidRecord,
  gelu: geluRecord,
  softplus: softplusRecord,
};

/** The record named `name`; an unknown name is a UserError listing the names. */
export function activationByName(name: string): ActivationRecord {
  const s = name.trim().toLowerCase();
  const make = FIXED[s];
  if (make) return make();
  const m = /^leaky-relu:(.+)$/.exec(s);
  if (m) {
    const alpha = Number(m[1]);
    if (m[1].trim() === '' || !Number.isFinite(alpha))
      throw new UserError(`activation '${name}': the leaky-relu slope must be a finite number, e.g. leaky-relu:0.1`);
    return leakyReluRecord(alpha);
  }
  throw new UserError(`unknown activation '${name}'; known: ${ACTIVATION_NAMES.join(', ')}`);
}
