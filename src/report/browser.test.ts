/**
 * Opens the rendered index.html in headless Chromium (playwright-core, the system's /usr/bin/chromium)
 * and checks it as a reader's browser would: it renders, nothing runs (no console errors, no dialog
 * from the injected alert), every theorem id is visible, and no request leaves the page.
 * Skipped, with a message, where Chromium is not installed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HOSTILE_TITLE, sampleReport } from './fixtures.ts';
import { failuresFirst, renderHtml } from './html.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
// Under CI the browser must be there (.ci/run installs it): a green CI must have run this test. Locally it may skip.
const required = Boolean(process.env.CI);
if (!hasChromium && !required) console.warn(`[report/browser.test] SKIPPED: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

describe('index.html in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-audit-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(required && !hasChromium)('has Chromium under CI (CI is set)', () => {
    expect.fail(`${CHROMIUM} not found but CI is set: the browser test cannot run (apt-get install -y chromium)`);
  });
  it.skipIf(!hasChromium)('renders offline, runs nothing, shows every theorem, requests nothing', async () => {
    const { chromium } = await import('playwright-core');
    const report = sampleReport();
    const file = join(dir, 'index.html');
    writeFileSync(file, await renderHtml(report));
    const url = pathToFileURL(file).href;

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      const consoleErrors: string[] = [];
      const pageErrors: string[] = [];
      const dialogs: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      page.on('dialog', (d) => {
        dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss();
      });
      page.on('request', (r) => requests.push(r.url()));

      await page.goto(url, { waitUntil: 'load' });
      expect(await page.title()).toContain(`seed ${report.run.seed}`);
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the page shows (a Playwright locator, not a DOM node)
      expect(await page.locator('h1').innerText()).toContain('ntk-audit');

      // Every theorem id visible in the index table and as its section heading; anchors resolve.
      const ids = await page.locator('table.index td.id').allInnerTexts();
      expect(ids.map((s) => s.trim())).toEqual(failuresFirst(report).map((t) => t.id));
      for (const t of report.theorems) {
        const heading = page.locator('section.theorem h2 code', { hasText: t.id }).first();
        expect(await heading.isVisible()).toBe(true);
      }
      // The hostile title is shown as text, not executed.
      expect(await page.getByText(HOSTILE_TITLE, { exact: true }).count()).toBeGreaterThan(0);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('img').count()).toBe(0);
      // Plots are drawn.
      expect(await page.locator('figure.plot svg').count()).toBeGreaterThanOrEqual(10);
      // Navigating to a theorem by its anchor works.
      await page.locator('table.index td.id a').nth(2).click();
      expect(decodeURIComponent(new URL(page.url()).hash)).toMatch(/^#t-/);

      // The first screen at 1400 px shows the outcome and the failures (a screenshot of it, checked by geometry).
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.goto(url, { waitUntil: 'load' });
      await page.screenshot({ path: join(dir, 'first-screen.png') });
      const banner = await page.locator('section.outcome').boundingBox();
      expect(banner && banner.y + banner.height <= 900).toBe(true);
      const unexpected = report.summary.unexpected;
      expect(unexpected.length).toBeGreaterThan(0);
      for (const id of unexpected) {
        const box = await page.locator('table.index tr', { hasText: id }).first().boundingBox();
        expect(box && box.y + box.height <= 900, `${id} is not on the first screen`).toBe(true);
      }
      // CSS-only filters: "needs attention" leaves exactly the unexpected and regressed claims.
      await page.locator('label[for="fs-attention"]').click();
      const visible = (await page.locator('table.index tr.t-row:visible td.id').allInnerTexts()).map((x) => x.trim());
      const regressed = report.outcome!.baseline!.regressions.map((r) => r.id);
      expect(new Set(visible)).toEqual(new Set([...unexpected, ...regressed]));
      await page.locator('label[for="fk-high-probability"]').click();
      await page.locator('label[for="fs-all"]').click();
      const hp = (await page.locator('table.index tr.t-row:visible td.id').allInnerTexts()).map((x) => x.trim());
      expect(hp).toEqual(
        failuresFirst(report)
          .filter((t) => t.kind === 'high-probability')
          .map((t) => t.id),
      );

      await page.waitForTimeout(100); // let any (unexpected) deferred handler fire
      expect(dialogs).toEqual([]);
      expect(pageErrors).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(requests.filter((u) => !/^(file|data):/.test(u))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
