import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { inject } from 'vitest';
import { startServer, type RunningServer } from '../src/server.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A private copy of the smoke database, for tests that write to it or must not share it. */
export function copyOfSmokeDb(): string {
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'ablate-dashboard-copy-')), 'smoke.db');
  copyFileSync(inject('smokeDb'), copy);
  return copy;
}

export function startTestServer(dbPath = inject('smokeDb'), pollMs = 200): Promise<RunningServer> {
  return startServer({ dbPath, port: 0, pollMs });
}

// Payloads are checked field by field by the assertions, so they are loosely typed here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function getJson<T = any>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

/** The `ablate` command (packages/cli's bin, every command) as a real process in the repo root. */
export function runAblate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'packages', 'cli', 'bin', 'ablate.mjs'), ...args],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** How many pixels of each visible canvas on the page have been painted. */
export function paintedPixels(page: Page): Promise<number[]> {
  return page.$$eval('canvas', (canvases) =>
    (canvases as HTMLCanvasElement[])
      .filter((canvas) => canvas.checkVisibility())
      .map((canvas) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
        return painted;
      }),
  );
}
