import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../src/io/npy.ts';
import type { Matrix } from '../../src/linalg/matrix.ts';

/**
 * A writer of data files for the `kernel` command and other readers of .npy: each call saves its matrix
 * to a new file x0.npy, x1.npy, … of one temporary directory (named after `prefix`) and returns the path.
 */
export function npyFiles(prefix: string): (m: Matrix) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let count = 0;
  return (m) => {
    const path = join(dir, `x${count++}.npy`);
    writeNpy(path, m);
    return path;
  };
}
