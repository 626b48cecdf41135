/**
 * The statements' MathML as Chromium lays it out (playwright-core, the system's /usr/bin/chromium): a
 * subscript sits below its base, a fraction is stacked, nothing is logged. Skipped where Chromium is
 * not installed, like browser.test.ts (required under CI).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleReport } from './fixtures.ts';
import { renderHtml } from './html.ts';
import type { Report } from './schema.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

describe('statements as MathML in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-audit-tex-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasChromium && !process.env.CI)('lays out subscripts and fractions natively, without errors', async () => {
    const { chromium } = await import('playwright-core');
    const r = sampleReport();
    const tex = String.raw`Then $\lambda_{\mathrm{min}}(H^{\infty}) \le \frac{1}{2}$ for every pair.`;
    const report: Report = { ...r, theorems: [{ ...r.theorems[0], statementTex: tex }] };
    const file = join(dir, 'index.html');
    writeFileSync(file, await renderHtml(report));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const messages: string[] = [];
      page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => messages.push(String(e)));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const q = page.locator('blockquote.statement');
      expect(await q.locator('math').count()).toBe(1);
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the page shows (a Playwright locator, not a DOM node)
      expect((await q.innerText()).startsWith('Then ')).toBe(true);
      const box = async (sel: string) => (await q.locator(sel).first().boundingBox())!;
      // λ_min: the subscript starts right of λ and its bottom is below λ's
      const base = await box('msub > mi'),
        sub = await box('msub > :nth-child(2)');
      expect(sub.x).toBeGreaterThanOrEqual(base.x + base.width - 0.5);
      expect(sub.y + sub.height).toBeGreaterThan(base.y + base.height);
      // ½: numerator above denominator
      const num = await box('mfrac > :nth-child(1)'),
        den = await box('mfrac > :nth-child(2)');
      expect(num.y + num.height).toBeLessThanOrEqual(den.y + 0.5);
      expect(messages).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
