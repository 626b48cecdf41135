// Writes test/support/fileCosts.json — seconds per test file — from a Vitest JSON report, for the
// longest-first sequencer (test/support/sequencer.ts):
//   CI=true npx vitest run --reporter=json --outputFile=report.json && node scripts/test-file-costs.mjs report.json
// or from the timings of `npm run test:under-load -- --json timing.json`: node scripts/test-file-costs.mjs timing.json
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

const [report] = process.argv.slice(2);
if (!report) {
  console.error('usage: node scripts/test-file-costs.mjs <vitest-json-report>');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const doc = JSON.parse(readFileSync(report, 'utf8'));
// a Vitest JSON report (testResults), or the timings of scripts/suite-under-load.mjs --json (files)
const seconds = doc.files
  ? doc.files.map((f) => [f.file, Math.round(f.durationMs / 100) / 10])
  : doc.testResults.map((f) => [relative(root, f.name).split('\\').join('/'), Math.round((f.endTime - f.startTime) / 100) / 10]);
const costs = Object.fromEntries(seconds.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
writeFileSync(resolve(root, 'test/support/fileCosts.json'), JSON.stringify(costs, null, 2) + '\n');
console.log(`${Object.keys(costs).length} files written to test/support/fileCosts.json`);
