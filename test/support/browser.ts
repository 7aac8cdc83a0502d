import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { makeTestDir } from './test-names';
import { until } from './until';

/** Debian's Chromium (apt-get install chromium; scripts/bootstrap.sh does it). Never a downloaded browser. */
export const CHROMIUM = process.env['NETFLEET_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags that keep Chromium off the network (the machine's network is closed) and quiet. */
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

const DASHBOARD = fileURLToPath(new URL('../../services/dashboard/', import.meta.url));

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab at 1280×800 (or the given size); page errors are collected in `errors`. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  errors: string[];
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh user-data directory of its own, removed on close. */
export async function startBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run npm run bootstrap (it installs Debian's chromium), or set NETFLEET_CHROMIUM`);
  await ensureDashboardBuilt();
  const dir = await makeTestDir('chromium');
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  return {
    context, errors,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.on('pageerror', (e) => errors.push(e.message));
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Newest modification time under a directory (sources of the page). */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/**
 * Builds the page when dist is missing or older than its sources (bootstrap does the same for
 * `npm test`; this covers running a test file on its own). A lock directory keeps parallel test
 * files from building at once.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const stale = () => {
    const built = join(DASHBOARD, 'dist/index.html');
    if (!existsSync(built)) return true;
    const sources = Math.max(newest(join(DASHBOARD, 'src')), newest(join(DASHBOARD, 'index.html')), newest(join(DASHBOARD, 'vite.config.ts')));
    return statSync(built).mtimeMs < sources;
  };
  if (!stale()) return;
  const lock = join(DASHBOARD, '.build-lock');
  const taken = () => { try { mkdirSync(lock); return true; } catch { return false; } };
  await until(taken, `${lock} (remove it if no build is running)`, { timeoutMs: 120_000, pollMs: 250 });
  try {
    if (stale()) await execa('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: DASHBOARD });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
