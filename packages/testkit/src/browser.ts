/** Debian's Chromium driven by playwright-core (no browser download), with this machine's flags: one launcher for every browser test. */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export type ContextKind = 'phone' | 'desktop';

export interface TestBrowser {
  browser: Browser;
  /** a fresh context (own storage: a new device id) with a phone (390×844, touch) or desktop (1366×768) viewport */
  context(kind?: ContextKind): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * A fresh Chromium on a temporary profile; each context has its own storage. `args` are added to this machine's flags
 * (e.g. --use-fake-device-for-media-stream --use-fake-ui-for-media-stream).
 */
export async function launchBrowser(opts: { args?: string[] } = {}): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
    headless: true,
  });
  return {
    browser,
    context: (kind = 'phone') =>
      browser.newContext(
        kind === 'phone'
          ? {
              viewport: { width: 390, height: 844 },
              deviceScaleFactor: 2,
              isMobile: true,
              hasTouch: true,
              locale: 'zh-CN',
              timezoneId: 'Asia/Shanghai',
            }
          : { viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' },
      ),
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}
