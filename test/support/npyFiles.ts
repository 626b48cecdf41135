import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../src/io/npy.ts';
import type { Matrix } from '../../src/linalg/matrix.ts';

/**
 * A writer of matrices to fresh .npy files (x0.npy, x1.npy, … in one new temporary directory named after
 * `prefix`), for tests that hand data to the CLI by path. Returns each file's path.
 */
export function npyWriter(prefix: string): (m: Matrix) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let fileNo = 0;
  return (m) => {
    const p = join(dir, `x${fileNo++}.npy`);
    writeNpy(p, m);
    return p;
  };
}
