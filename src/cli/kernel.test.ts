import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { readDataFile, writeNpy } from '../io/data.ts';
import { fromRows } from '../linalg/matrix.ts';
import { empiricalNtkCertified, empiricalNtkLambdaMin } from '../ntk/empiricalNtkCertified.ts';
import { initNetwork } from '../ntk/network.ts';
import { reportError } from './errors.ts';
import { parseKernelOptions } from './kernel.ts';
import { buildProgram } from './main.ts';
import { cliInProcess } from '../../test/support/cliInProcess.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the real CLI in a child process: `node --import tsx src/cli/main.ts …args`. */
function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NTK_AUDIT_DEBUG: '', ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOneLineError(r: { status: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^ntk-audit: /);
  expect(r.stderr).not.toMatch(/\bat \S+[:(]/); // no stack frames
  expect(r.stderr).toMatch(pattern);
}

const POINTS = [
  [1, 0, 0],
  [0.6, 0.8, 0],
  [0, 0, 2],
  [-1, 0.5, 0.25],
  [0.3, -0.3, 0.9],
];
const SQ_NORMS = POINTS.reduce((s, p) => s + p.reduce((t, v) => t + v * v, 0), 0);

let dir: string;
let csv: string;
let npy: string;
let dupCsv: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ntk-audit-cli-'));
  csv = join(dir, 'x.csv');
  writeFileSync(csv, `x1,x2,x3\n${POINTS.map((p) => p.join(',')).join('\n')}\n`);
  npy = join(dir, 'x.npy');
  writeNpy(npy, fromRows(POINTS));
  dupCsv = join(dir, 'dup.csv');
  writeFileSync(dupCsv, '1,2\n0,0\n3,1\n1,2\n');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface KernelJson {
  kernel: string;
  n: number;
  d: number;
  depth: number;
  widths?: number[];
  seed?: string | number;
  conventions: Record<string, unknown>;
  certified?: boolean;
  lambdaMin: { lower: number; estimate: number; upper: number };
  lambdaMax: { lower: number; estimate: number; upper: number };
  trace: number;
  timings: { loadMs: number; kernelMs: number; lambdaMinMs: number; totalMs: number };
}

function parseJson(stdout: string): KernelJson {
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1); // ONE JSON object
  return JSON.parse(lines[0]) as KernelJson;
}

function expectSaneSpectrum(j: KernelJson): void {
  const { lower, estimate, upper } = j.lambdaMin;
  expect(lower).toBeLessThanOrEqual(estimate);
  expect(estimate).toBeLessThanOrEqual(upper);
  const mx = j.lambdaMax;
  expect(mx.lower).toBeLessThanOrEqual(mx.estimate);
  expect(mx.estimate).toBeLessThanOrEqual(mx.upper);
  expect(lower).toBeLessThanOrEqual(mx.upper); // λ_min ≤ λ_max: the two enclosures cannot be disjoint the wrong way
  expect(mx.lower).toBeLessThanOrEqual(j.trace * (1 + 1e-12));
  for (const k of ['loadMs', 'kernelMs', 'lambdaMinMs', 'totalMs'] as const) expect(j.timings[k]).toBeGreaterThanOrEqual(0);
  expect(j.timings.totalMs).toBeGreaterThanOrEqual(j.timings.lambdaMinMs);
}

describe('kernel command (child process)', () => {
  it('limiting NTK, --json: certified enclosure, trace = depth · Σ‖x_i‖²', () => {
    const r = cli(['kernel', 'limiting', '--data', csv, '--depth', '3', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const j = parseJson(r.stdout);
    expect(j).toMatchObject({ kernel: 'limiting', n: 5, d: 3, depth: 3 });
    expect(j.conventions).toMatchObject({ parameterization: 'nmm', cSigma: 2, activationDerivativeAtZero: 0 });
    expectSaneSpectrum(j);
    expect(j.lambdaMin.lower).toBeGreaterThan(0); // distinct non-parallel points: K^(L) is PD
    expect(Math.abs(j.trace - 3 * SQ_NORMS)).toBeLessThanOrEqual(1e-12 * 3 * SQ_NORMS);
  });

  it('limiting NTK from an .npy file, text output', async () => {
    const r = await cliInProcess(['kernel', 'limiting', '--data', npy, '--depth', '2']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/N = 5 samples, d = 3 features/);
    expect(r.stdout).toMatch(/λ_min\s+\S+\s+certified in \[/);
    expect(r.stdout).toMatch(/λ_max/);
    expect(r.stdout).toMatch(/trace\s+/);
    expect(r.stdout).toMatch(/parameterization\s+nmm/);
  });

  it('NNGP: trace = Σ‖x_i‖² (c_σ = 2 preserves the norm)', async () => {
    const r = await cliInProcess(['kernel', 'nngp', '--data', csv, '--depth', '4', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = parseJson(r.stdout);
    expectSaneSpectrum(j);
    expect(Math.abs(j.trace - SQ_NORMS)).toBeLessThanOrEqual(1e-12 * SQ_NORMS);
  });

  it('NNGP, neural-tangents ntk parameterisation: diagonal q₂ = W²(W²‖x‖²/d + b²)/2 + b²', async () => {
    const r = await cliInProcess(['kernel', 'nngp', '--data', csv, '--depth', '2', '--parameterization', 'ntk', '--w-std', '1.5', '--b-std', '0.1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = parseJson(r.stdout);
    expectSaneSpectrum(j);
    expect(j.conventions.parameterization).toBe('ntk');
    const [w2, b2, d] = [2.25, 0.01, 3];
    const expected = POINTS.reduce((s, p) => s + (w2 * ((w2 * p.reduce((t, v) => t + v * v, 0)) / d + b2)) / 2 + b2, 0);
    expect(Math.abs(j.trace - expected)).toBeLessThanOrEqual(1e-12 * expected);
  });

  it('H∞: trace = Σ‖x_i‖² / 2', async () => {
    const r = await cliInProcess(['kernel', 'h-infinity', '--data', csv, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = parseJson(r.stdout);
    expectSaneSpectrum(j);
    expect(Math.abs(j.trace - SQ_NORMS / 2)).toBeLessThanOrEqual(1e-12 * SQ_NORMS);
  });

  it('empirical NTK: widths and seed are reported, depth inferred, deterministic in the seed', async () => {
    const args = ['kernel', 'ntk-empirical', '--data', csv, '--widths', '40,30', '--seed', '7', '--json'];
    const r = await cliInProcess(args);
    expect(r.status, r.stderr).toBe(0);
    const j = parseJson(r.stdout);
    expect(j).toMatchObject({ kernel: 'ntk-empirical', depth: 3, widths: [40, 30], seed: 7 });
    expect(j.conventions).toMatchObject({ init: 'standard', seed: 7, widths: '3,40,30,1' });
    expectSaneSpectrum(j);
    const again = parseJson((await cliInProcess(args)).stdout);
    expect(again.trace).toBe(j.trace);
    expect(again.lambdaMin).toEqual(j.lambdaMin);
  });

  it("empirical NTK in the 'ntk' parameterisation with biases: certified, the engine's kernel, biases reported", async () => {
    const r = await cliInProcess([
      'kernel',
      'ntk-empirical',
      '--data',
      csv,
      '--widths',
      '40,30',
      '--parameterization',
      'ntk',
      '--b-std',
      '0.5',
      '--w-std',
      '1.2',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const j = parseJson(r.stdout);
    expect(j.certified).toBe(true);
    expect(String(j.conventions.parameterization)).toMatch(/^ntk/);
    expect(String(j.conventions.biases)).toMatch(/b_std = 0.5/);
    expectSaneSpectrum(j);
    const x = readDataFile(csv);
    const net = initNetwork({ inputDim: x.cols, widths: [40, 30], init: 'standard', parameterization: 'ntk', wStd: 1.2, bStd: 0.5 }, 0);
    const lm = empiricalNtkLambdaMin(empiricalNtkCertified(net, x));
    expect([j.lambdaMin.lower, j.lambdaMin.upper]).toEqual([lm.lower, lm.upper]);
  });

  it('duplicate and zero rows: warnings on stderr, exit 0, enclosure contains 0', async () => {
    const r = await cliInProcess(['kernel', 'limiting', '--data', dupCsv, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const warnings = r.stderr.trimEnd().split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^ntk-audit: warning: .*dup\.csv: 1 duplicate sample\(s\) \(rows 4 = 1\)/);
    expect(warnings[1]).toMatch(/^ntk-audit: warning: .*all-zero sample\(s\) \(row 2\)/);
    const j = parseJson(r.stdout);
    expect(j.lambdaMin.lower).toBeLessThanOrEqual(0);
    expect(j.lambdaMin.upper).toBeGreaterThanOrEqual(0);
  });
});

describe('kernel command errors: exit 2, one line, no stack (the first in a child process, the rest in process)', () => {
  it.each([
    ['ragged CSV', 'limiting', 'ragged.csv', '1,2\n3\n', [], /ragged\.csv: line 2 \(row 2\): ragged rows/],
    ['non-numeric CSV', 'limiting', 'text.csv', '1,2\n3,x\n', [], /text\.csv: line 2 \(row 2\), column 2: non-numeric value "x"/],
    ['NaN in JSON', 'nngp', 'nan.json', '[[1, 2], [3, null]]', [], /nan\.json: row 2, column 2: expected a number, got null/],
    ['malformed JSON', 'limiting', 'bad.json', '[[1, 2]', [], /bad\.json: malformed JSON/],
    ['truncated npy', 'h-infinity', 'trunc.npy', Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0x76, 0]), [], /trunc\.npy: truncated \.npy file/],
    ['empty file', 'limiting', 'empty.csv', '', [], /empty\.csv: file is empty/],
    ['bad depth', 'limiting', 'ok.csv', '1,2\n', ['--depth', 'two'], /--depth must be an integer ≥ 1, got "two"/],
    ['widths missing', 'ntk-empirical', 'ok.csv', '1,2\n', [], /--widths is required/],
  ] as const)('%s', async (label, kind, name, content, flags, pattern) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    const args = ['kernel', kind, '--data', p, ...flags];
    expectOneLineError(label === 'ragged CSV' ? cli(args) : await cliInProcess(args), pattern);
  });

  it('missing file, commander errors (unknown option with suggestion, missing option, bad choice)', async () => {
    expectOneLineError(await cliInProcess(['kernel', 'limiting', '--data', join(dir, 'none.csv')]), /none\.csv: file not found/);
    expectOneLineError(await cliInProcess(['kernel', 'limiting', '--data', csv, '--jsn']), /unknown option '--jsn' \(Did you mean --json\?\)/);
    expectOneLineError(await cliInProcess(['kernel', 'limiting']), /required option '--data <file>' not specified/);
    expectOneLineError(await cliInProcess(['kernel', 'ntk', '--data', csv]), /'ntk' is invalid for argument 'kind'/);
    expectOneLineError(cli(['frobnicate']), /unknown command 'frobnicate'/);
  });
});

describe('the one-shot command loads no schema, plotting or TeX library', () => {
  it('kernel limiting (.csv and .json data, --json) runs with zod, vega, vega-lite and katex forbidden', () => {
    const json = join(dir, 'x.json');
    writeFileSync(json, JSON.stringify({ data: POINTS }));
    for (const [file, extra] of [
      [csv, []],
      [json, ['--json']],
    ] as const) {
      const r = spawnSync(
        process.execPath,
        ['--import', './test/support/forbidHeavyImports.mjs', '--import', 'tsx', 'src/cli/main.ts', 'kernel', 'limiting', '--data', file, ...extra],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, NTK_AUDIT_DEBUG: '' },
        },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/forbidden import/);
    }
    // the hook has teeth: a command that does load zod fails under it
    const bad = spawnSync(process.execPath, ['--import', './test/support/forbidHeavyImports.mjs', '--input-type=module', '-e', "await import('zod')"], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/forbidden import: .*zod/);
  });
});

describe('option parsing (in process)', () => {
  const base = { data: 'x.csv' };
  it('defaults and inference', () => {
    expect(parseKernelOptions('limiting', base)).toMatchObject({ kind: 'limiting', depth: 2, parameterization: 'nmm', json: false });
    expect(parseKernelOptions('ntk-empirical', { ...base, widths: '8, 9', seed: 'abc' })).toMatchObject({
      depth: 3,
      widths: [8, 9],
      seed: 'abc',
      init: 'standard',
    });
    expect(parseKernelOptions('ntk-empirical', { ...base, widths: '8', depth: '2', seed: '12' })).toMatchObject({ depth: 2, seed: 12 });
    expect(parseKernelOptions('ntk-empirical', { ...base, depth: '1' })).toMatchObject({ depth: 1, widths: [] });
    expect(parseKernelOptions('nngp', { ...base, parameterization: 'ntk', wStd: '1.5', bStd: '0' })).toMatchObject({ wStd: 1.5, bStd: 0 });
  });

  it.each([
    [{ depth: '0' }, 'limiting', /--depth must be an integer ≥ 1, got 0/],
    [{ depth: '-3' }, 'limiting', /--depth must be an integer ≥ 1, got "-3"/],
    [{ wStd: '1' }, 'nngp', /--w-std applies only with --parameterization ntk/],
    [{ bStd: '1', parameterization: 'nmm' }, 'limiting', /--b-std applies only with --parameterization ntk/],
    [{ wStd: '0', parameterization: 'ntk' }, 'nngp', /--w-std must be a positive finite number, got 0/],
    [{ bStd: '-1', parameterization: 'ntk' }, 'nngp', /--b-std must be a non-negative finite number, got -1/],
    [{ wStd: 'inf' }, 'nngp', /--w-std must be a positive number, got "inf"/],
    [{ widths: '4,0' }, 'ntk-empirical', /--widths must be a list of integers ≥ 1/],
    [{ widths: '4;5' }, 'ntk-empirical', /--widths must be a comma-separated list/],
    [{ widths: '4,5', depth: '4' }, 'ntk-empirical', /--depth 4 needs 3 hidden width\(s\), but --widths lists 2/],
    [{ widths: '4' }, 'limiting', /--widths does not apply to the 'limiting' kernel \(only to ntk-empirical\)/],
    [{ seed: '1' }, 'h-infinity', /--seed does not apply to the 'h-infinity' kernel/],
    [{ depth: '3' }, 'h-infinity', /--depth does not apply/],
    [{ widths: '4', bStd: '0.5' }, 'ntk-empirical', /--b-std applies only with --parameterization ntk/],
    [{ widths: '4', parameterization: 'ntk', normalize: true }, 'ntk-empirical', /--normalize does not apply with --parameterization ntk/],
  ])('%o on %s → UserError', (extra, kind, pattern) => {
    expect(() => parseKernelOptions(kind, { ...base, ...extra })).toThrow(pattern);
    try {
      parseKernelOptions(kind, { ...base, ...extra });
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
    }
  });
});

describe('top-level error handler', () => {
  function capture(err: unknown, env: Record<string, string> = {}) {
    let out = '';
    const code = reportError(err, { write: (s: string) => (out += s) }, env);
    return { code, out };
  }

  it('UserError → exit 2, one line', () => {
    expect(capture(new UserError('bad\nthing'))).toEqual({ code: 2, out: 'ntk-audit: bad thing\n' });
  });

  it('other errors → internal error, exit 3, no stack unless NTK_AUDIT_DEBUG=1', () => {
    const plain = capture(new Error('boom'));
    expect(plain.code).toBe(3);
    expect(plain.out).toMatch(/^ntk-audit: internal error: boom \(set NTK_AUDIT_DEBUG=1 for a stack trace\)\n$/);
    expect(capture(new RangeError('r')).out).toMatch(/internal error: RangeError: r/);
    expect(capture('a string').code).toBe(3);
    const debug = capture(new Error('boom'), { NTK_AUDIT_DEBUG: '1' });
    expect(debug.out.split('\n')[0]).toBe('ntk-audit: internal error: boom');
    expect(debug.out).toMatch(/\n\s+at /);
  });

  it('commander errors → exit 2; help and version → 0', () => {
    expect(capture(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'\n(Did you mean --y?)"))).toEqual({
      code: 2,
      out: "ntk-audit: unknown option '--x' (Did you mean --y?) (try --help)\n",
    });
    expect(capture(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ code: 0, out: '' });
    expect(capture(new CommanderError(0, 'commander.version', '0.1.0'))).toEqual({ code: 0, out: '' });
  });
});

describe('program structure', () => {
  it('buildProgram registers kernel as a subcommand', async () => {
    const p = await buildProgram();
    expect(p.name()).toBe('ntk-audit');
    expect(p.commands.map((c) => c.name())).toContain('kernel');
  });
});
