import { limitingKernels } from './src/ntk/limiting.ts';
import { lambdaMinCertified } from './src/linalg/lambdaMin.ts';
import { materializeData } from './src/theorem/arbitraries.ts';
import { logLogFit } from './src/search/stats.ts';
const N = Number(process.argv[2] ?? 8);
for (const fam of ['gaussian', 'sqrt-d-sphere'] as const) for (const L of [2, 3, 5]) {
  const sizes = [400, 1000, 2500, 6300, 16000];
  const xs: number[] = [], ys: number[] = [];
  const t = performance.now();
  for (const d of sizes) for (let k = 0; k < 8; k++) {
    const x = materializeData({ n: N, d, family: fam, shift: 0, seed: `s${d}/${k}/${L}` });
    const lim = limitingKernels(x, { depth: L });
    const lm = lambdaMinCertified(lim.ntk, { entryError: lim.ntkErrorBound });
    xs.push(d); ys.push(lm.estimate);
  }
  const f = logLogFit(xs, ys, 0.05 / 300);
  console.log(fam, L, f.slope.toFixed(4), f.slopeLow.toFixed(4), f.slopeHigh.toFixed(4), ((performance.now() - t) / 1000).toFixed(2) + 's');
}
