import type { Matrix } from '../../src/linalg/matrix.ts';
import type { ActivationRecord } from '../../src/ntk/activations/record.ts';
import { type Network, networkFromWeights } from '../../src/ntk/network.ts';

/** A fuzz case of the certified-NTK tests: N×d data, hidden widths, exponents of the data and of each layer. */
export interface ScaledCase {
  N: number;
  d: number;
  widths: number[];
  ex: number;
  ew: number[];
}

/**
 * Data and standard-init network of a fuzz case: entries drawn in order from vals (cycled), the data scaled by
 * 2^ex and layer l by 2^ew[l]; the data is filled first, then the layers in order.
 */
export function scaledNetworkCase(c: ScaledCase, vals: readonly number[], activation?: ActivationRecord): { x: Matrix; net: Network } {
  const dims = [c.d, ...c.widths, 1];
  let t = 0;
  const scaled = (rows: number, cols: number, e: number): Matrix => {
    const m = { rows, cols, data: new Float64Array(rows * cols) };
    for (let q = 0; q < m.data.length; q++) m.data[q] = vals[t++ % vals.length] * 2 ** e;
    return m;
  };
  const x = scaled(c.N, c.d, c.ex);
  const ws = dims.slice(1).map((n, l) => scaled(dims[l], n, c.ew[l]));
  const arch = { inputDim: c.d, widths: c.widths, init: 'standard' as const };
  const net = networkFromWeights(activation === undefined ? arch : { ...arch, activation }, ws);
  return { x, net };
}
