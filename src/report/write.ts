import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { parseValidatedJson, readTextFile } from '../io/validatedJson.ts';
import type { AnyTheorem } from '../theorem/types.ts';
import { counterexampleDataFrom } from './cxData.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { REPORT_SCHEMA_VERSION, reportSchema, type Report } from './schema.ts';

export type ReportFormat = 'json' | 'html' | 'md' | 'junit';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'html', 'md', 'junit'];
export const REPORT_FILES: Record<ReportFormat, string> = { json: 'report.json', html: 'index.html', md: 'summary.md', junit: 'junit.xml' };

export function parseFormats(s: string): ReportFormat[] {
  const out: ReportFormat[] = [];
  for (const f of s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new UserError(`--format: unknown format '${f}' (choose from ${REPORT_FORMATS.join(', ')})`);
    if (!out.includes(f as ReportFormat)) out.push(f as ReportFormat);
  }
  if (out.length === 0) throw new UserError('--format: no format given');
  return out;
}

/**
 * JSON text of a report, validated against the schema on the way out; key order is the schema's
 * (zod rebuilds objects in schema order), so reports built and reports read back and merged
 * serialise identically. Two-space indentation, trailing newline.
 */
export function reportJson(report: Report): string {
  return JSON.stringify(reportSchema.parse(report), null, 2) + '\n';
}

/**
 * Renders every requested format first, then writes each file atomically (temporary file + rename),
 * so a crash or kill leaves either the previous complete file or the new complete one.
 * The HTML shows each counterexample's data, read from its artifact beside the report (src/report/cxData.ts);
 * `catalog`: the run's claims (their instance decoders; items without an artifact are materialised by them).
 */
export async function writeReports(
  report: Report,
  outDir: string,
  formats: readonly ReportFormat[],
  opts: { catalog?: readonly AnyTheorem[] } = {},
): Promise<string[]> {
  const rendered: [string, string][] = [];
  for (const f of formats) {
    const text =
      f === 'json'
        ? reportJson(report)
        : f === 'html'
          ? await renderHtml(report, { counterexampleData: counterexampleDataFrom(outDir, opts.catalog) })
          : f === 'md'
            ? renderMarkdown(report)
            : renderJunit(report);
    rendered.push([join(outDir, REPORT_FILES[f]), text]);
  }
  for (const [path, text] of rendered) writeFileAtomic(path, text);
  return rendered.map(([p]) => p);
}

/** Reads and validates a report.json (one-line UserError on any problem). */
export function readReport(path: string): Report {
  return parseReport(readTextFile(path, 'report'), `report ${path}`);
}

export function parseReport(text: string, name = 'report'): Report {
  // The version is checked first so that a newer report gets a clear message instead of a schema error.
  let version: unknown;
  try {
    version = (JSON.parse(text) as { schemaVersion?: unknown } | null)?.schemaVersion;
  } catch {
    version = REPORT_SCHEMA_VERSION; // invalid JSON: parseValidatedJson reports it
  }
  if (version !== undefined && version !== REPORT_SCHEMA_VERSION)
    throw new UserError(`${name} has schemaVersion ${JSON.stringify(version).slice(0, 60)}, this ntk-audit reads ${REPORT_SCHEMA_VERSION}`);
  return parseValidatedJson(text, reportSchema, name);
}
