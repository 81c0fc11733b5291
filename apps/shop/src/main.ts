#!/usr/bin/env node
/**
 * Run the demo shop: `node apps/shop/dist/main.js` with
 *   SHOP_HTTP=HOST:PORT (default 127.0.0.1:8081), ZHIBO_URL (default http://127.0.0.1:8080),
 *   ZHIBO_PUBLIC_URL (what browsers use; default ZHIBO_URL), SHOP_TIME_ZONE (start times; default Asia/Shanghai),
 *   and the app's credentials:
 *   SHOP_APPID + SHOP_APPSECRET, or ZHIBO_DATA (reads DATA/demo-app.json written by `zhibo serve --demo`).
 * `zhibo serve --demo` starts it by itself (see docs/console.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startShop } from './shop.js';

function fail(msg: string): never {
  process.stderr.write(`demo shop: ${msg}\n`);
  process.exit(2);
}

const env = process.env;
const [host, portText] = (env.SHOP_HTTP ?? '127.0.0.1:8081').split(/:(?=\d+$)/);
const port = Number(portText ?? host);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`SHOP_HTTP "${env.SHOP_HTTP}" is not HOST:PORT`);
let appid = env.SHOP_APPID;
let appsecret = env.SHOP_APPSECRET;
if (!appid || !appsecret) {
  const file = join(env.ZHIBO_DATA ?? './data', 'demo-app.json');
  try {
    ({ appid, appsecret } = JSON.parse(readFileSync(file, 'utf8')) as { appid: string; appsecret: string });
  } catch (e) {
    fail(`no SHOP_APPID/SHOP_APPSECRET and ${file} is not readable (${(e as Error).message}); start zhibo with --demo first`);
  }
}
const zhiboUrl = env.ZHIBO_URL ?? 'http://127.0.0.1:8080';
const shop = await startShop({
  zhiboUrl,
  publicZhiboUrl: env.ZHIBO_PUBLIC_URL || zhiboUrl,
  appid: appid,
  appsecret: appsecret,
  timeZone: env.SHOP_TIME_ZONE || 'Asia/Shanghai',
  host: portText ? host : '127.0.0.1',
  port,
  log: (l) => process.stderr.write(`${l}\n`),
});
process.stdout.write(`demo shop: ${shop.url} (rooms of ${appid} from ${zhiboUrl})\n`);
const stop = () => void shop.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
