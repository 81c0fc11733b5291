/**
 * `zhibo serve --demo` starts the demo shop (apps/shop) as its own process on its own port, the way a merchant's
 * site runs beside zhibo, and points the demo app's goods and home pages at it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { linkHost } from '../http/base-url.js';
import { appLocale } from '../modules/apps/settings.js';
import type { ZhiboServices } from './zhibo.js';

/** The shop listens where zhibo's HTTP does (so `--http 0.0.0.0:8080` makes the goods pages reachable from phones too). */
export function defaultShop(httpHost: string): string {
  return `${httpHost.includes(':') ? `[${httpHost}]` : httpHost}:8081`;
}

/** The demo shop's entry, resolved as the workspace package it is (`@zhibo/demo-shop`). */
function shopMain(): string {
  try {
    return createRequire(import.meta.url).resolve('@zhibo/demo-shop');
  } catch {
    // In the repository (npm start): apps/shop beside packages/server (the same from src/app and dist/app).
    const inRepo = fileURLToPath(new URL('../../../../apps/shop/dist/main.js', import.meta.url));
    if (existsSync(inRepo)) return inRepo;
    throw new Error('the demo shop (@zhibo/demo-shop) is not installed here; run npm run build in the zhibo repository');
  }
}

export interface DemoShop {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startDemoShop(
  s: ZhiboServices,
  o: { listen: string; appid: string; appsecret: string; timeoutMs?: number },
): Promise<DemoShop> {
  const main = shopMain();
  if (!existsSync(main)) throw new Error(`the demo shop is not built (${main}); run npm run build`);
  const child: ChildProcess = spawn(process.execPath, [main], {
    // The shop's server calls zhibo on this machine; browsers get zhibo's public address (LAN when listening on all).
    env: {
      ...process.env,
      SHOP_HTTP: o.listen,
      ZHIBO_URL: s.localUrl(),
      ZHIBO_PUBLIC_URL: s.urls().http,
      SHOP_APPID: o.appid,
      SHOP_APPSECRET: o.appsecret,
      SHOP_TIME_ZONE: appLocale((await s.apps.get(o.appid))?.settings).timeZone,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the demo shop did not start within ${o.timeoutMs ?? 15_000} ms: ${err}`)),
      o.timeoutMs ?? 15_000,
    );
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
  // The room page opens goods at goodsBaseUrl + goods.url and home at homeUrl (S-PLAYER-4): at the shop's address a
  // phone can open (its LAN address when it listens on every interface).
  const shopUrl = new URL(url);
  const listenHost = o.listen.slice(0, o.listen.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  if (listenHost === '0.0.0.0' || listenHost === '::') shopUrl.hostname = linkHost(listenHost);
  const publicShop = shopUrl.origin;
  await s.apps.updateSettings(o.appid, { goodsBaseUrl: `${publicShop}/`, homeUrl: `${publicShop}/` });
  let stopped = false;
  return {
    url: publicShop,
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
