import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { REPORT_SCHEMA_VERSION, reportSchema, type Report } from './schema.ts';

export type ReportFormat = 'json' | 'html' | 'md' | 'junit';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'html', 'md', 'junit'];
export const REPORT_FILES: Record<ReportFormat, string> = { json: 'report.json', html: 'index.html', md: 'summary.md', junit: 'junit.xml' };

export function parseFormats(s: string): ReportFormat[] {
  const out: ReportFormat[] = [];
  for (const f of s.split(',').map((x) => x.trim()).filter(Boolean)) {
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
 */
export async function writeReports(report: Report, outDir: string, formats: readonly ReportFormat[]): Promise<string[]> {
  const rendered: [string, string][] = [];
  for (const f of formats) {
    const text = f === 'json' ? reportJson(report) : f === 'html' ? await renderHtml(report) : f === 'md' ? renderMarkdown(report) : renderJunit(report);
    rendered.push([join(outDir, REPORT_FILES[f]), text]);
  }
  for (const [path, text] of rendered) writeFileAtomic(path, text);
  return rendered.map(([p]) => p);
}

/** Reads and validates a report.json (one-line UserError on any problem). */
export function readReport(path: string): Report {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read report ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseReport(text, `report ${path}`);
}

export function parseReport(text: string, name = 'report'): Report {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${name} is not valid JSON: ${(e as Error).message}`);
  }
  if (json && typeof json === 'object' && 'schemaVersion' in json && (json as { schemaVersion: unknown }).schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new UserError(`${name} has schemaVersion ${String((json as { schemaVersion: unknown }).schemaVersion)}, this ntk-audit reads ${REPORT_SCHEMA_VERSION}`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${name} is malformed: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
