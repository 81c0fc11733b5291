/** Console browser tests: the console bundle (built when stale, like room-page-helpers), screenshots, a sign-in step. */
import { mkdirSync, renameSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OUT = join(ROOT, 'packages/server/public/build');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const mtime = (p: string) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
};

export async function ensureConsoleBuild(): Promise<void> {
  const src = Math.max(...['apps/console/src', 'packages/sdk/src', 'packages/protocol/src'].map((d) => newest(join(ROOT, d))));
  const alias = Object.fromEntries(['protocol', 'core', 'sdk'].map((p) => [`@zhibo/${p}`, `./packages/${p}/src/index.ts`]));
  // The console and the assistant's phone page (each with its .css).
  for (const [entry, out] of [['apps/console/src/main.ts', 'console'], ['apps/console/src/assistant.ts', 'console-assistant']] as const) {
    if (mtime(join(OUT, `${out}.js`)) >= src && mtime(join(OUT, `${out}.css`)) >= src) continue;
    const r = await build({ absWorkingDir: ROOT, alias, entryPoints: [entry], outfile: join(OUT, `${out}.js`), bundle: true, format: 'esm',
      target: ['es2020', 'safari15'], minify: true, sourcemap: true, logLevel: 'error', write: false });
    for (const f of r.outputFiles) {
      mkdirSync(dirname(f.path), { recursive: true });
      const tmp = `${f.path}.${process.pid}.tmp`;
      writeFileSync(tmp, f.contents);
      renameSync(tmp, f.path);
    }
  }
}

/** Screenshots go to test-artifacts/screenshots, or to docs/screenshots with ZHIBO_SCREENSHOTS=1 (so a test run does not touch tracked files). */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = join(ROOT, process.env.ZHIBO_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-artifacts/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** datetime-local value in the page's time zone for a ms epoch. */
export async function setDateTime(page: Page, selector: string, ms: number): Promise<void> {
  await page.$eval(selector, (el, t) => {
    const d = new Date(t);
    const p = (n: number) => String(n).padStart(2, '0');
    (el as HTMLInputElement).value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, ms);
}

export async function signIn(page: Page, url: string, login: string, password: string): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.shell');
}
