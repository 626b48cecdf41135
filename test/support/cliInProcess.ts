import { main } from '../../src/cli/main.ts';

/**
 * Runs the command line in this process — the same `main` the executable runs, with stdout and stderr
 * captured — and returns its exit code and output. A child process costs 2–5 s of TypeScript loading per
 * call on a loaded 2-core machine; the few behaviours that need a real process (uncaught-error handlers,
 * signals, exit codes seen by a shell) keep their child-process tests.
 */
export async function cliInProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '',
    stderr = '';
  const out = process.stdout.write.bind(process.stdout),
    err = process.stderr.write.bind(process.stderr);
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.stdout.write = ((chunk: string | Uint8Array) => (
    (stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')), true
  )) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (
    (stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')), true
  )) as typeof process.stderr.write;
  try {
    const status = await main(['node', 'ntk-audit', ...args]);
    return { status, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
