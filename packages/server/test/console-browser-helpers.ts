/** Console browser tests: screenshots, a sign-in step. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Screenshots go to test-artifacts/screenshots, or to docs/screenshots with ZHIBO_SCREENSHOTS=1 (so a test run does not touch tracked files). */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = join(ROOT, process.env.ZHIBO_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-artifacts/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** datetime-local value in the page's time zone for a ms epoch. */
export async function setDateTime(page: Page, selector: string, ms: number): Promise<void> {
  await page.$eval(
    selector,
    (el, t) => {
      const d = new Date(t);
      const p = (n: number) => String(n).padStart(2, '0');
      (el as HTMLInputElement).value =
        `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    },
    ms,
  );
}

export async function signIn(page: Page, url: string, login: string, password: string): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.shell');
}
