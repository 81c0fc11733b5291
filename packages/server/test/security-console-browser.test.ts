/**
 * Issue 10, Medium 8 in the console UI (Chromium): signing in with a generated password leads to "My password" and
 * nowhere else until a password of one's own is set; a weak one is refused next to the field. The page runs under
 * its strict CSP without a single violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '@zhibo/testkit';
import { startServer, type TestServer } from './helpers.js';
import { signIn } from './console-browser-helpers.js';

describe('the console and a generated password (Chromium)', () => {
  let t: TestServer;
  let b: TestBrowser;
  beforeAll(async () => {
    t = await startServer('pglite');
    b = await launchBrowser();
  });
  afterAll(async () => {
    await b?.close();
    await t?.cleanup();
  });

  it('the operator\'s first-start password leads to "My password" only; a weak new one is refused, a good one opens the console', async () => {
    const first = (await t.z.services.accounts.ensureOperator())!;
    const page = await (await b.context('desktop')).newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await signIn(page, t.url, first.login, first.password);
    await page.waitForFunction(() => location.hash === '#/me');
    expect(await page.textContent('.page')).toMatch(/generated password: choose your own/);
    await page.evaluate(() => (location.hash = '#/apps'));
    await page.waitForFunction(() => location.hash === '#/me'); // nowhere else
    await page.fill('input[name=current]', first.password);
    await page.fill('input[name=next]', 'password2024');
    await page.fill('input[name=again]', 'password2024');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => /most common/.test(document.querySelector('.page')?.textContent ?? ''));
    await page.fill('input[name=next]', 'green tea on a quiet hill');
    await page.fill('input[name=again]', 'green tea on a quiet hill');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => location.hash === '#/apps');
    await page.waitForSelector('h1');
    expect(await page.textContent('h1')).toBe('Apps');
    expect((await t.z.services.accounts.byLogin('admin'))!.must_change_password).toBe(false);
    expect(violations).toEqual([]);
  });
});
