import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliInProcess } from './support/cliInProcess.ts';

describe('ntk-audit run with an example cache that cannot be written', () => {
  it('warns on one line and keeps the exit code of the verdicts (a directory in place of a cache file; a file in place of the cache directory)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ntk-exdb-cli-'));
    const dirInPlace = join(root, 'db1');
    mkdirSync(join(dirInPlace, 'nguyen2021.thm3.2.chain-a.json', 'sub'), { recursive: true });
    const fileInPlace = join(root, 'db2');
    writeFileSync(fileInPlace, '');
    for (const db of [dirInPlace, fileInPlace]) {
      const r = await cliInProcess([
        'run',
        '--theorem',
        'nguyen2021.thm3.2.chain-a',
        '--budget',
        '3',
        '--seed',
        's',
        '--workers',
        '1',
        '--quiet',
        '--format',
        'json',
        '--out',
        join(root, 'out'),
        '--example-db',
        db,
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/closest calls NOT saved for 1 claim\(s\), first: nguyen2021\.thm3\.2\.chain-a \(/);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });
});
