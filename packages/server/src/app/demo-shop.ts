/**
 * `zhibo serve --demo` starts the demo shop (apps/shop) as its own process on its own port, the way a merchant's
 * site runs beside zhibo, and points the demo app's goods and home pages at it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ZhiboServices } from './zhibo.js';

export const DEFAULT_SHOP = '127.0.0.1:8081';

/** The demo shop's entry, resolved as the workspace package it is (`@zhibo/demo-shop`). */
function shopMain(): string {
  try {
    return createRequire(import.meta.url).resolve('@zhibo/demo-shop');
  } catch {
    throw new Error('the demo shop (@zhibo/demo-shop) is not installed here; run npm ci in the zhibo repository');
  }
}

export interface DemoShop {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startDemoShop(s: ZhiboServices, o: { listen: string; appid: string; appsecret: string; timeoutMs?: number }): Promise<DemoShop> {
  const main = shopMain();
  if (!existsSync(main)) throw new Error(`the demo shop is not built (${main}); run npm run build`);
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: { ...process.env, SHOP_HTTP: o.listen, ZHIBO_URL: s.urls().http, ZHIBO_PUBLIC_URL: s.urls().http, SHOP_APPID: o.appid, SHOP_APPSECRET: o.appsecret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo shop did not start within ${o.timeoutMs ?? 15_000} ms: ${err}`)), o.timeoutMs ?? 15_000);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /demo shop: (http\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo shop exited (${code}): ${err.trim()}`));
    });
  });
  // The room page opens goods at goodsBaseUrl + goods.url and home at homeUrl (S-PLAYER-4).
  await s.apps.updateSettings(o.appid, { goodsBaseUrl: `${url}/`, homeUrl: `${url}/` });
  let stopped = false;
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
