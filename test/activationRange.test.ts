import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { computeKernelReport, type KernelReport, type KernelRequest } from '../src/cli/kernel.ts';
import { UserError } from '../src/errors.ts';
import { fromRows, type Matrix } from '../src/linalg/matrix.ts';
import { frobeniusUpper } from '../src/ntk/limitingSmooth.ts';
import { type Dec, Dm, encloses, exactDec, lambdaMaxBracket, lambdaMinBracket, MAX_DEC, referenceLimiting, type RefArch, traceDec } from './kernelReference.ts';
import { ldexpExact } from './support/ldexpExact.ts';
import { npyFiles } from './support/npyFiles.ts';
import { ntkFields, rangeExponent, rangeMantissa } from './support/rangeArbitraries.ts';

/**
 * Every activation of the `kernel limiting|nngp` command over the whole float64 range: random binary exponents
 * (−1074 … 1023) of the data (one scale, or one per row), of W_std and b_std, and the slope α of leaky-relu:α
 * up to 1e308.
 *
 * The (a,b)-ReLU family (relu, leaky-relu:α, abs, identity) and erf are checked against an independent 50-digit
 * decimal.js fold of their closed forms (test/kernelReference.ts: the arc-cosine kernels of Cho & Saul 2009,
 * Williams 1997 for erf): the certified λ_min and λ_max enclosures contain the exact values. tanh and sigmoid (no
 * closed form) are checked for what holds without a reference: no internal error, finite numbers,
 * lower ≤ estimate ≤ upper, and `useful` saying whether the λ_min enclosure is narrower than its estimate.
 *
 * The only errors allowed are one-line UserErrors stating the supported range, each only where the exact values
 * are outside it: (a,b)-ReLU — the eigenvalues beyond float64 (exact trace > 2^1022) or, with b_std > 0, rows
 * whose q_i span more than 2^1000; erf, tanh, sigmoid — an entry of some G^(l), Ġ^(l), K^(l) or b_std² at
 * 2^1024 (accepted from 2^1010: the enclosure of an entry may cross the limit before the entry does; for tanh and
 * sigmoid, without a reference, only the message is checked).
 */
const file = npyFiles('ntk-act-range-');

/** The slopes (a, b) of an (a,b)-ReLU name, or 'erf', or null (tanh, sigmoid: no closed form). */
function refActivation(name: string): RefArch['activation'] | null {
  if (name === 'relu') return { a: 1, b: 0 };
  if (name === 'abs') return { a: 1, b: -1 };
  if (name === 'identity') return { a: 1, b: 1 };
  if (name.startsWith('leaky-relu:')) return { a: 1, b: Number(name.slice(11)) };
  if (name === 'erf') return 'erf';
  return null;
}

/** 'nmm': the exact weight variance c_l (l ≥ 2) as the report states it (cSigma: a double, or m·2^e beyond range). */
function cSigmaOf(r: KernelReport): Dec {
  // (a,b)-ReLU: cSigma; erf, tanh, sigmoid: the list hiddenWeightVariance (one double per layer l ≥ 2, all equal)
  const v = r.conventions.cSigma ?? Number(String(r.conventions.hiddenWeightVariance).split(',')[0]);
  if (typeof v === 'number') return exactDec(v);
  const m = /^([0-9.e+-]+)·2\^(-?\d+)$/.exec(String(v));
  if (!m) throw new Error(`cSigma ${String(v)}`);
  return exactDec(Number(m[1])).mul(new Dm(2).pow(Number(m[2])));
}

function reference(x: Matrix, req: KernelRequest, act: NonNullable<RefArch['activation']>, r?: KernelReport): { M: Dec[][]; peak: Dec } {
  const arch: RefArch = { depth: req.depth, parameterization: req.parameterization, wStd: req.wStd, bStd: req.bStd, activation: act };
  if (req.parameterization !== 'ntk' && req.depth >= 2) {
    // 'nmm' defines c_l = 1/E[σ(g)²] as a double; the fold is checked with the c_l the report states
    if (r) arch.hiddenWeightVariance = cSigmaOf(r);
    else if (act !== 'erf') arch.hiddenWeightVariance = new Dm(2).div(exactDec(act.a).pow(2).add(exactDec(act.b).pow(2)));
    else arch.hiddenWeightVariance = new Dm(1).div(new Dm(2).div(new Dm(-1).acos()).mul(new Dm(2).div(3).asin()));
  }
  const ref = referenceLimiting(x, arch);
  return { M: req.kind === 'nngp' ? ref.G : ref.K, peak: ref.peak };
}

function expectEncloses(r: KernelReport, M: Dec[][], what: string): void {
  const br = lambdaMinBracket(M);
  expect(
    encloses(r.lambdaMin.lower, r.lambdaMin.upper, br),
    `${what}: λ_min ∈ [${br.lo.toExponential(8)}, ${br.hi.toExponential(8)}] vs [${r.lambdaMin.lower}, ${r.lambdaMin.upper}]`,
  ).toBe(true);
  const bx = lambdaMaxBracket(M);
  expect(
    encloses(r.lambdaMax.lower, r.lambdaMax.upper, bx),
    `${what}: λ_max ∈ [${bx.lo.toExponential(8)}, ${bx.hi.toExponential(8)}] vs [${r.lambdaMax.lower}, ${r.lambdaMax.upper}]`,
  ).toBe(true);
}

function expectWellFormed(r: KernelReport): void {
  for (const v of [
    r.lambdaMin.lower,
    r.lambdaMin.estimate,
    r.lambdaMin.upper,
    r.lambdaMax.lower,
    r.lambdaMax.estimate,
    r.lambdaMax.upper,
    r.trace,
    r.entryErrorBound,
  ]) {
    expect(Number.isFinite(v), `${JSON.stringify(r.lambdaMin)} λmax ${JSON.stringify(r.lambdaMax)} tr ${r.trace}`).toBe(true);
  }
  expect(r.lambdaMin.lower).toBeLessThanOrEqual(r.lambdaMin.estimate);
  expect(r.lambdaMin.estimate).toBeLessThanOrEqual(r.lambdaMin.upper);
  expect(r.lambdaMax.lower).toBeLessThanOrEqual(r.lambdaMax.upper);
  expect(r.useful).toBe(r.lambdaMin.upper - r.lambdaMin.lower <= Math.abs(r.lambdaMin.estimate));
}

const SMOOTH_RANGE =
  /exceed 2\^1024 ≈ 1\.8e308; supported with this activation: b_std² and every entry of G\^\(l\), Ġ\^\(l\) = W_std²·E\[σ'\(u\)σ'\(v\)\] and K\^\(l\)/;

const unit = fromRows([
  [1, 0.5],
  [0.3, -1],
  [-2, 0.1],
]);
const scaled = (m: Matrix, s: number): Matrix => ({ ...m, data: m.data.map((v) => v * s) });

describe('activations beyond the old range: certified enclosures that contain the 50-digit value', () => {
  const cases: Array<{ name: string; x: Matrix; req: Omit<KernelRequest, 'data' | 'normalize' | 'json'> }> = [
    // α² overflows: a² + b² and (a − b)² of the fold were ∞ (NaN kernel, internal error)
    {
      name: 'leaky-relu:1e300, ntk, W_std = 2^-997, b_std = 0.5, depth 3',
      x: unit,
      req: { kind: 'limiting', depth: 3, activation: 'leaky-relu:1e300', parameterization: 'ntk', wStd: 2 ** -997, bStd: 0.5 },
    },
    {
      name: 'leaky-relu:-1e300, ntk, W_std = 1e-300, depth 2',
      x: unit,
      req: { kind: 'nngp', depth: 2, activation: 'leaky-relu:-1e300', parameterization: 'ntk', wStd: 1e-300 },
    },
    {
      name: 'leaky-relu:1.7e308, ntk, W_std = 1e-308, depth 3',
      x: unit,
      req: { kind: 'limiting', depth: 3, activation: 'leaky-relu:1.7e308', parameterization: 'ntk', wStd: 1e-308 },
    },
    { name: 'leaky-relu:1e300, nmm, depth 3', x: unit, req: { kind: 'limiting', depth: 3, activation: 'leaky-relu:1e300', parameterization: 'nmm' } },
    // erf: x_iᵀx_j ≈ 1e400 overflows although G^(1) = W²XXᵀ/d ≈ 1 does not
    {
      name: 'erf, ntk, data at 1e200, W_std = 1e-200',
      x: scaled(unit, 1e200),
      req: { kind: 'limiting', depth: 3, activation: 'erf', parameterization: 'ntk', wStd: 1e-200, bStd: 0.25 },
    },
    // erf: W_std² = 1e320 overflows, G^(1) ≈ 1e-80 does not (at depth 2, Ġ^(2) ≈ W²·4/π would)
    {
      name: 'erf, ntk, W_std = 1e160 on data at 1e-200, depth 1',
      x: scaled(unit, 1e-200),
      req: { kind: 'nngp', depth: 1, activation: 'erf', parameterization: 'ntk', wStd: 1e160 },
    },
    // erf at tiny q (≈ 1e-261) and W² ≈ 1e239: E[erf erf] ≈ 1e-261 was enclosed as 1 − (2/π)acos(r), ±1e-16 wide, and
    // W² times that overflowed at layer 3 (exact entries ≤ 1.4e239); a zero row's absolute rounding terms were scaled by 2^793
    {
      name: 'erf, ntk, W_std = 3.2e119, data at 1e-250 with a zero row, depth 3',
      x: fromRows([
        [1.3967014978599092e-250, 1.3967014978599092e-250],
        [0, 0],
        [1.3967014978599092e-250, -9.304889300392338e-251],
      ]),
      req: { kind: 'limiting', depth: 3, activation: 'erf', parameterization: 'ntk', wStd: 3.227812347608636e119 },
    },
    // erf at W_std = 1.5e22, depth 10: exact entries ≤ 1.2e243, the Lipschitz-widened E[erf'erf'] (radius of q ≈ 1e28)
    // overflowed at layer 7; the box enclosure of erf (activations/erf.ts) keeps it tight
    {
      name: 'erf, ntk, W_std = 1.5e22, depth 10, a zero row',
      x: fromRows([
        [8, -4],
        [6.861267042827812, 8],
        [8, -4],
        [0, 0],
        [0, 8],
        [-4, 0],
      ]),
      req: { kind: 'limiting', depth: 10, activation: 'erf', parameterization: 'ntk', wStd: 1.5024630565145483e22, bStd: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const req: KernelRequest = { ...c.req, data: file(c.x), normalize: false, json: true };
      const r = await computeKernelReport(req);
      expectWellFormed(r);
      const act = refActivation(req.activation!)!;
      expectEncloses(r, reference(c.x, req, act, r).M, c.name);
    });
  }

  it('tanh, ntk, W_std = 3, b_std = 1e100: a report (flagged useful: false), consistent with a Weyl bracket', async () => {
    // K^(2) = b²𝟙𝟙ᵀ + E with |E_ij| ≤ 9 + 9·|K^(1)_ij|·E[sech²(u)sech²(v)] and E[sech²(u)sech²(v)] ≤ E[sech²(u)]
    // ≤ ∫sech²/√(2πq) = 2/√(2πq) (the N(0, q) density is ≤ 1/√(2πq)), q = G^(1)_ii ≥ b²: λ(K) is within ‖E‖_F of
    // λ(b²𝟙𝟙ᵀ) ∈ {0, 3b²} (Weyl).
    const req: KernelRequest = {
      kind: 'limiting',
      depth: 2,
      activation: 'tanh',
      parameterization: 'ntk',
      wStd: 3,
      bStd: 1e100,
      data: file(unit),
      normalize: false,
      json: true,
    };
    const r = await computeKernelReport(req);
    expectWellFormed(r);
    expect(r.useful).toBe(false);
    const b2 = exactDec(1e100).pow(2);
    const k1 = referenceLimiting(unit, { depth: 1, parameterization: 'ntk', wStd: 3, bStd: 1e100 }).K;
    let e2 = new Dm(0);
    for (const row of k1)
      for (const v of row) {
        const e = new Dm(9).add(
          new Dm(9)
            .mul(v.abs())
            .mul(2)
            .div(new Dm(2).mul(new Dm(-1).acos()).mul(b2).sqrt()),
        );
        e2 = e2.add(e.pow(2));
      }
    const e = e2.sqrt();
    expect(encloses(r.lambdaMin.lower, r.lambdaMin.upper, { lo: e.neg(), hi: e })).toBe(true);
    expect(encloses(r.lambdaMax.lower, r.lambdaMax.upper, { lo: b2.mul(3).sub(e), hi: b2.mul(3).add(e) })).toBe(true);
  });

  it('tanh, one sample at variance q = 2^24: a useful enclosure of G^(2) = W²·E[tanh(u)²] that meets a closed-form bracket', async () => {
    // E[tanh(u)²] = 1 − E[sech²(u)], u ∼ N(0, q), and with T = q^{1/4}:
    // 2·tanh(T)·e^{−T²/(2q)}/√(2πq) ≤ ∫_{−T}^{T} sech²(t)·φ_q(t) dt ≤ E[sech²(u)] ≤ ∫sech²/√(2πq) = 2/√(2πq).
    const w = 2 ** 12; // W_std² = 2^24, d = 1, x = 1: q = G^(1) = 2^24
    const req: KernelRequest = {
      kind: 'nngp',
      depth: 2,
      activation: 'tanh',
      parameterization: 'ntk',
      wStd: w,
      data: file(fromRows([[1]])),
      normalize: false,
      json: true,
    };
    const r = await computeKernelReport(req);
    expectWellFormed(r);
    expect(r.useful).toBe(true);
    const q = new Dm(2).pow(24),
      W2 = q,
      T = q.sqrt().sqrt();
    const root = new Dm(2).mul(new Dm(-1).acos()).mul(q).sqrt();
    const lo = W2.mul(new Dm(1).sub(new Dm(2).div(root)));
    const hi = W2.mul(
      new Dm(1).sub(
        new Dm(2)
          .mul(T.tanh())
          .mul(T.pow(2).div(q.mul(2)).neg().exp())
          .div(root),
      ),
    );
    expect(
      encloses(r.lambdaMin.lower, r.lambdaMin.upper, { lo, hi }),
      `[${lo.toExponential(10)}, ${hi.toExponential(10)}] vs [${r.lambdaMin.lower}, ${r.lambdaMin.upper}]`,
    ).toBe(true);
  });

  it('tanh at variances ≈ 1e-122 with W_std² ≈ 8.5e199: inside the stated range (by a majorant), so a report', async () => {
    // E[tanh u tanh v] ≈ c ≈ 1e-122 was enclosed with the quadrature's absolute error 2^-52, W² times which (1e184)
    // made the next layer's variances trivial and its entries overflow. Majorant of the exact entries:
    // |E[tanh u tanh v]| ≤ min(1, √(q_iq_j)) ≤ min(1, max q), 0 ≤ E[sech²·sech²] ≤ 1, so with m_l ≥ max|G^(l)|, k_l ≥ max|K^(l)|:
    // m_{l+1} = W²·min(1, m_l), Ġ ≤ W², k_{l+1} = k_l·W² + m_{l+1} — all below 2^1024 here.
    const x = fromRows([
      [-1.778206999588062e-161, -3.167594447452665e-161],
      [1.909335227187253e-152, 0],
      [1.0853314206470105e-165, -5.426657103235053e-166],
    ]);
    const wStd = 9.199084398961102e99;
    const req: KernelRequest = { kind: 'nngp', depth: 3, activation: 'tanh', parameterization: 'ntk', wStd, data: file(x), normalize: false, json: true };
    const W2 = exactDec(wStd).pow(2);
    let m = new Dm(0);
    for (let i = 0; i < 3; i++)
      m = Dm.max(
        m,
        exactDec(x.data[2 * i])
          .pow(2)
          .add(exactDec(x.data[2 * i + 1]).pow(2))
          .mul(W2)
          .div(2),
      );
    let k = m;
    for (let l = 2; l <= 3; l++) {
      m = W2.mul(Dm.min(1, m));
      k = k.mul(W2).add(m);
    }
    expect(Dm.max(k, W2).lt(MAX_DEC)).toBe(true);
    expectWellFormed(await computeKernelReport(req));
  });

  it('erf, nmm, data at 1e200: the exit-2 message states the range, and G^(1) is indeed beyond it', async () => {
    const x = scaled(unit, 1e200);
    const req: KernelRequest = { kind: 'limiting', depth: 2, activation: 'erf', data: file(x), normalize: false, json: true };
    const err = await computeKernelReport(req).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/entries of the first-layer kernel G\^\(1\) exceed 2\^1024/);
    expect((err as Error).message).toMatch(SMOOTH_RANGE);
    const g1 = referenceLimiting(x, { depth: 1 }).G;
    expect(g1[0][0].gt(MAX_DEC)).toBe(true);
  });

  it('the Frobenius bound of the interval fold neither underflows nor overflows', () => {
    // nine radii 1.5e-162 (squares below half the smallest subnormal: they round to 0) and nine radii 1e200
    for (const r of [1.5e-162, 1e200, 5e-324]) {
      const radii = new Float64Array(9).fill(r);
      const f = frobeniusUpper(radii, 3);
      expect(Number.isFinite(f)).toBe(true);
      expect(exactDec(f).gte(exactDec(r).mul(3)), `${f} < 3·${r}`).toBe(true);
    }
  });
});

const exponent = rangeExponent(fc.integer({ min: -8, max: 8 }));
const mantissa = rangeMantissa;
const ACTIVATIONS = [
  'relu',
  'leaky-relu:0',
  'leaky-relu:1e-300',
  'leaky-relu:0.5',
  'leaky-relu:1',
  'leaky-relu:-1',
  'leaky-relu:1e10',
  'leaky-relu:-1e300',
  'leaky-relu:1e308',
  'abs',
  'identity',
  'erf',
  'tanh',
  'sigmoid',
];

const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  d: fc.integer({ min: 1, max: 3 }),
  depth: fc.constantFrom(1, 2, 3),
  kind: fc.constantFrom('limiting', 'nngp') as fc.Arbitrary<'limiting' | 'nngp'>,
  activation: fc.constantFrom(...ACTIVATIONS),
  perRow: fc.boolean(),
  global: exponent,
  rowExps: fc.array(exponent, { minLength: 3, maxLength: 3 }),
  mant: fc.array(mantissa, { minLength: 9, maxLength: 9 }),
  twin: fc.constantFrom('none', 'duplicate', 'antiparallel', 'ulp'),
  ...ntkFields(exponent),
});

describe('every activation over the whole float64 range vs a 50-digit reference', () => {
  test.prop([caseArb], { numRuns: 150 })('no missed enclosure, no internal error, range errors only outside the stated range', async (c) => {
    const data = new Float64Array(c.n * c.d);
    for (let i = 0; i < c.n; i++) for (let k = 0; k < c.d; k++) data[i * c.d + k] = ldexpExact(c.mant[i * 3 + k], c.perRow ? c.rowExps[i] : c.global);
    if (c.n >= 2 && c.twin !== 'none') {
      for (let k = 0; k < c.d; k++) data[c.d + k] = c.twin === 'antiparallel' ? -data[k] : data[k];
      if (c.twin === 'ulp') data[c.d] = data[0] === 0 ? 5e-324 : data[0] * (1 + 2 ** -52);
    }
    const x: Matrix = { rows: c.n, cols: c.d, data };
    const req: KernelRequest = {
      kind: c.kind,
      depth: c.depth,
      activation: c.activation,
      data: file(x),
      normalize: false,
      json: true,
      parameterization: c.ntk ? 'ntk' : 'nmm',
      ...(c.ntk ? { wStd: ldexpExact(c.wMant / 2, c.wExp + 1) || 5e-324, ...(c.bias ? { bStd: ldexpExact(0.75, c.bExp) } : {}) } : {}),
    };
    const act = refActivation(c.activation);
    let r: KernelReport | undefined, err: unknown;
    try {
      r = await computeKernelReport(req);
    } catch (e) {
      err = e;
    }
    if (err !== undefined) {
      if (!(err instanceof UserError) || /\n/.test(err.message)) throw err;
      const smooth = act === 'erf' || act === null;
      if (smooth) expect(err.message).toMatch(SMOOTH_RANGE);
      else expect(err.message).toMatch(/beyond the float64 range; supported|span more than 2\^1000.*supported/);
      if (act === null) {
        // tanh, sigmoid: a majorant of every |entry| (|E[σσ]| ≤ 1, and ≤ max q for tanh; E[σ'σ'] ≤ sup|σ'|² = 1, 1/16)
        const ntk = req.parameterization === 'ntk';
        const W2 = ntk ? exactDec(req.wStd!).pow(2) : exactDec(1 / (c.activation === 'tanh' ? 0.394294 : 0.293164));
        const B2 = ntk ? exactDec(req.bStd ?? 0).pow(2) : new Dm(0);
        const s1 = c.activation === 'tanh' ? new Dm(1) : new Dm(1).div(16);
        let m = B2;
        for (let i = 0; i < c.n; i++) {
          let r = new Dm(0);
          for (let k = 0; k < c.d; k++) r = r.add(exactDec(data[i * c.d + k]).pow(2));
          m = Dm.max(m, r.mul(ntk ? W2.div(c.d) : 1).add(B2));
        }
        let k = m,
          peak = m;
        for (let l = 2; l <= c.depth; l++) {
          m = W2.mul(c.activation === 'tanh' ? Dm.min(1, m) : 1).add(B2);
          k = k.mul(W2).mul(s1).add(m);
          peak = Dm.max(peak, m, k, W2.mul(s1));
        }
        // nmm: c_l = 1/E[σ(g)²] (≈ 2.54 tanh, ≈ 3.41 sigmoid; the majorant uses 1/0.394294, 1/0.293164, ≥ both)
        expect(peak.gt(new Dm(2).pow(1010)), `${err.message}, but every entry ≤ ${peak.toExponential(4)}`).toBe(true);
        return;
      }
      const { M, peak } = reference(x, req, act as NonNullable<RefArch['activation']>);
      if (smooth) expect(peak.gt(new Dm(2).pow(1010)), `${err.message}, but every entry ≤ ${peak.toExponential(4)}`).toBe(true);
      else if (/span/.test(err.message)) expect(req.bStd! > 0).toBe(true);
      else expect(traceDec(M).gt(MAX_DEC.div(4)), `${err.message}, but the exact trace is ${traceDec(M).toExponential(4)}`).toBe(true);
      return;
    }
    r = r!;
    expectWellFormed(r);
    if (act === null) return;
    expectEncloses(r, reference(x, req, act as NonNullable<RefArch['activation']>, r).M, JSON.stringify(c));
  });
});
