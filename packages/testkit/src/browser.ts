/** Debian's Chromium driven by playwright-core (no browser download), with this machine's flags. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A fresh Chromium with its own user data dir; close() removes it. `args` are added to this
 * machine's flags (e.g. --use-fake-device-for-media-stream --use-fake-ui-for-media-stream).
 */
export async function launchBrowser(opts: { viewport?: { width: number; height: number }; args?: string[] } = {}): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-chromium-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...(opts.args ?? [])], viewport: opts.viewport ?? { width: 1280, height: 800 } });
  return {
    context,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
