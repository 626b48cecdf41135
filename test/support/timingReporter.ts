import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';

/**
 * A Vitest reporter for scripts/suite-under-load.mjs: every test's duration next to its timeout, and every
 * file's wall time, written as JSON to the path in NTK_TIMING_OUT when the run ends. Used beside the default
 * reporter (`--reporter=default --reporter=./test/support/timingReporter.ts`).
 */
export default class TimingReporter implements Reporter {
  private root = '';
  private tests: { file: string; name: string; durationMs: number; timeoutMs: number; state: string }[] = [];
  private files: { file: string; durationMs: number }[] = [];

  onInit(ctx: Vitest): void {
    this.root = ctx.config.root;
  }

  onTestCaseResult(test: TestCase): void {
    const d = test.diagnostic();
    this.tests.push({
      file: this.rel(test.module.moduleId),
      name: test.fullName,
      durationMs: d?.duration ?? 0,
      timeoutMs: test.options.timeout ?? 0,
      state: test.result().state,
    });
  }

  onTestModuleEnd(module: TestModule): void {
    this.files.push({ file: this.rel(module.moduleId), durationMs: module.diagnostic().duration });
  }

  onTestRunEnd(): void {
    const out = process.env.NTK_TIMING_OUT;
    if (out) writeFileSync(out, `${JSON.stringify({ tests: this.tests, files: this.files }, null, 1)}\n`);
  }

  private rel(id: string): string {
    return relative(this.root, id).split('\\').join('/');
  }
}
