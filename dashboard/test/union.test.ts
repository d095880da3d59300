// Sweeps side by side, in real Chromium over a copy of the smoke sweep's database with two more
// versions made by the real command: #2 adds a third seed (so it shares the 8 runs of #1), #3 trains
// on another data subset (other runs, another data fingerprint). The list ticks two sweeps open as
// one page; every view works over their union, shared runs count once, the sweep files' difference
// is shown, and runs of other data are kept apart, said in one line.
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import { copyOfSmokeDb, getJson, paintedPixels, runAblate, startTestServer } from './helpers.ts';

const smoke = fileURLToPath(new URL('../../experiments/smoke.yaml', import.meta.url));
let browser: Browser;
let server: RunningServer;
let dbPath: string;

beforeAll(async () => {
  dbPath = copyOfSmokeDb();
  for (const override of ['sweep.seeds=3', 'data.subset.first=500'])
    expect((await runAblate(['sweep', smoke, override, '--new-version', '--db', dbPath])).code).toBe(0);
  server = await startTestServer(dbPath);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/${hash}`);
  return { page, errors };
}

const columnTitles = (page: Page) => page.locator('table.runs thead th').allTextContents();

describe('sweeps side by side', () => {
  it('two versions that share runs: ticked in the list, their union on one page, shared runs once', async () => {
    const { page, errors } = await open('#/');
    await page.getByRole('checkbox', { name: 'compare #1 smoke' }).check();
    await page.getByRole('checkbox', { name: 'compare #2 smoke' }).check();
    await page.getByRole('button', { name: 'Compare the ticked sweeps' }).click();
    await page.waitForURL(/#\/sweep\/1\+2$/);
    await page.locator('table.heatmap button.cell').first().waitFor();
    // 8 runs of #1, all in #2 too, and #2's 4 of seed 3: 12 rows, not 20.
    await expect.poll(() => page.locator('table.runs tbody tr[data-key]').count()).toBe(12);
    expect(await page.locator('.union-summary').textContent()).toMatch(
      /#1 smoke \(8 runs\), #2 smoke \(12 runs\): .*; 8 runs shared by them \(same config hash\) count once/,
    );
    expect(await page.locator('.notice.warning').count()).toBe(0);
    // The sweep files' difference, and the sweep as a column and a factor.
    expect(await page.locator('table.diff tbody td').allTextContents()).toEqual([
      'sweep.seeds',
      '[1,2]',
      '[1,2,3]',
    ]);
    expect(await columnTitles(page)).toContain('sweep');
    const importance = page.locator('section', { hasText: 'Which params matter' });
    await importance.locator('table').first().waitFor();
    expect(await importance.locator('table').first().textContent()).toContain('sweep');
    // The API says the same: one run per id, the sweep as a param of each.
    const { body } = await getJson(`${server.url}/api/sweeps/1+2/runs`);
    expect(new Set(body.runs.map((run: { id: string }) => run.id)).size).toBe(12);
    expect(
      body.runs.filter((run: { params: { sweep: string } }) => run.params.sweep === '#1 smoke'),
    ).toHaveLength(8);
    // Every chart on the page drew.
    const painted = await paintedPixels(page);
    expect(painted.length).toBeGreaterThanOrEqual(3);
    for (const count of painted) expect(count).toBeGreaterThan(500);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the ticks through a live update of the list', async () => {
    const { page, errors } = await open('#/');
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 10_000 }).toBe('live');
    await page.getByRole('checkbox', { name: 'compare #1 smoke' }).check();
    // A new version of the sweep (its one seed's runs all shared with #1: nothing trains) redraws the list.
    expect((await runAblate(['sweep', smoke, 'sweep.seeds=1', '--new-version', '--db', dbPath])).code).toBe(
      0,
    );
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 10_000 }).toMatch(/updated/);
    expect(await page.getByRole('checkbox', { name: 'compare #1 smoke' }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: 'compare #2 smoke' }).check();
    await page.getByRole('button', { name: 'Compare the ticked sweeps' }).click();
    await page.waitForURL(/#\/sweep\/1\+2$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs on other data are not pooled: said in one line, kept apart by a param of their own', async () => {
    const { page, errors } = await open('#/sweep/1+3');
    await page.locator('table.heatmap button.cell').first().waitFor();
    await expect.poll(() => page.locator('table.runs tbody tr[data-key]').count()).toBe(16);
    const warning = page.locator('.notice.warning', { hasText: 'not pooled' });
    expect(await warning.count()).toBe(1);
    expect(await warning.textContent()).toMatch(
      /^Runs on 2 different data or kernel sets \(.*\) are not pooled/,
    );
    expect(await page.locator('table.diff tbody td').allTextContents()).toEqual([
      'data.subset.first',
      '600',
      '500',
    ]);
    expect(await columnTitles(page)).toEqual(expect.arrayContaining(['first', 'sweep', 'provenance']));
    // The winner's groups are per data set: no group holds runs of both.
    const { body } = await getJson(`${server.url}/api/sweeps/1+3`);
    const groups = [body.winner.winner, ...body.winner.ties, ...body.winner.behind];
    expect(groups).toHaveLength(8);
    for (const group of groups) expect(group.label).toMatch(/provenance=data [0-9a-f]{12}/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
