#!/usr/bin/env node
/**
 * The zhibo command line. Every command works whether or not a server runs on the same data:
 * only one process may open the embedded database, so with a server running a command goes
 * through that server's admin API (DATA/server.json says where it is).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from './config.js';
import { SETTINGS, type Setting, shownDefault } from './settings.js';
import { createZhibo, DataDirLocked, lockHolderAlive } from './zhibo.js';
import { ensureDemo } from './demo.js';
import { isRoomAction, operatorAction } from '../modules/rooms/actions.js';
import { silentLog } from '../lib/log.js';
import { type DemoShop, defaultShop, startDemoShop } from './demo-shop.js';
import { addressLines } from './address-lines.js';
import { BackupError } from './backup.js';
import { backupCommand, restoreCommand } from './backup-cli.js';

const HELP = `zhibo — self-hosted live commerce, wire-compatible with WeChat Mini Program Live

Usage:
  zhibo serve [--http HOST:PORT] [--rtmp HOST:PORT] [--data DIR] [--trust-proxy LIST] [--demo [--shop HOST:PORT|off]]
      Start the server. Defaults: --http 127.0.0.1:8080, --rtmp (the HTTP host):1935, --data ./data.
      127.0.0.1 is reachable from this machine only; --http 0.0.0.0:8080 lets phones on your network open
      the links (through npm: npm start -- --http 0.0.0.0:8080). Links use ZHIBO_PUBLIC_URL when it is set,
      else the address each request came in by; the start message says which.
      The database is embedded (PGlite, in DIR/pg) unless DATABASE_URL points at PostgreSQL.
      --demo also sets up a demo merchant app and room and prints their credentials, and starts the
      demo shop (the merchant's own site, apps/shop) on --shop (default: the HTTP host, port 8081; off: do not).
      The merchant console is at /console/; on first start the operator's password is printed once
      (it must be changed at the first sign-in), and so is the admin token.
  zhibo app create --name NAME [--data DIR]
      Create a merchant app; prints {"appid": ..., "appsecret": ...} as JSON (the secret is shown once).
  zhibo room pause|resume|end|ban ROOMID [--data DIR]
      Operator actions (S-STATUS-6, -4, -7). pause: 101 -> 105, resume: 105 -> 101,
      end: 101/105/106 -> 103, ban: any non-final status -> 104.
  zhibo operator reset-password [--login NAME] [--data DIR]
      A new random password for the console's operator account (default login: admin); prints it once.
  zhibo room events ROOMID [--data DIR]
      The room's status history (audit log) as JSON.
  zhibo backup FILE [--data DIR]
      One file with the embedded database, recordings, replays and the admin token. Works while the
      server runs (through its admin API). docs/operations.md, Backup and restore.
  zhibo restore FILE [--data DIR]
      Fill an empty data directory from a backup (no server may run on it).
  zhibo help
      This text.

Environment (flags win over these; docs/configuration.md has the same table):
${Object.values(SETTINGS as Record<string, Setting<unknown>>)
  .map(
    (st) =>
      `  ${st.env}${st.flag ? ` (--${st.flag})` : ''}  [default ${shownDefault(Object.keys(SETTINGS).find((k) => (SETTINGS as Record<string, Setting<unknown>>)[k] === st) as keyof typeof SETTINGS)}]\n      ${st.help.replace(/`/g, '')}`,
  )
  .join('\n')}
`;

type Flags = {
  http?: string;
  rtmp?: string;
  data?: string;
  name?: string;
  demo?: boolean;
  shop?: string;
  login?: string;
  help?: boolean;
  'trust-proxy'?: string;
};

function die(msg: string, code = 1): never {
  process.stderr.write(`zhibo: ${msg}\n`);
  process.exit(code);
}

function configFrom(flags: Flags): Config {
  try {
    return loadConfig(process.env, { http: flags.http, rtmp: flags.rtmp, dataDir: flags.data, trustProxy: flags['trust-proxy'] });
  } catch (e) {
    if (e instanceof ConfigError) die(e.message, 2);
    throw e;
  }
}

/** A server running on this data directory, if any (DATA/server.json and it answers /healthz). */
async function runningServer(config: Config): Promise<{ url: string; adminToken: string } | undefined> {
  const file = join(config.dataDir, 'server.json');
  const lock = join(config.dataDir, 'zhibo.lock');
  // A server that is still starting holds the lock before it writes server.json: wait for it.
  for (let i = 0; i < 60 && !existsSync(file) && existsSync(lock) && lockHolderAlive(Number(readFileSync(lock, 'utf8'))); i++)
    await new Promise((r) => setTimeout(r, 250));
  if (!existsSync(file)) return undefined;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; url: string };
    process.kill(info.pid, 0);
    const r = await fetch(`${info.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    if (!r.ok) return undefined;
    const adminToken = config.adminToken ?? readFileSync(join(config.dataDir, 'admin-token'), 'utf8').trim();
    return { url: info.url, adminToken };
  } catch {
    return undefined;
  }
}

async function viaServer(srv: { url: string; adminToken: string }, method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(`${srv.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${srv.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const out = (await r.json()) as { message?: string };
  if (!r.ok) die(out.message ?? `server answered ${r.status}`);
  return out;
}

async function serve(flags: Flags): Promise<void> {
  const config = configFrom(flags);
  let z: Awaited<ReturnType<typeof createZhibo>>;
  try {
    z = await createZhibo(config);
  } catch (e) {
    if (!(e instanceof DataDirLocked)) throw e;
    // A second `zhibo serve` on the same data: say what runs there, not that it "does not answer".
    const srv = await runningServer(config);
    die(
      srv
        ? `zhibo is already running on ${config.dataDir} (process ${e.pid}, ${srv.url}); stop it first, or start another server with its own --data`
        : `${e.message} (it is still starting or stopping, or hung); wait, or stop process ${e.pid}`,
    );
  }
  const urls = await z.listen();
  const infoFile = join(z.config.dataDir, 'server.json');
  // The CLI talks to the server where it listens (localUrl), not through ZHIBO_PUBLIC_URL (a proxy may not pass the admin API).
  writeFileSync(infoFile, JSON.stringify({ pid: process.pid, url: z.services.localUrl() }), { mode: 0o600 });
  const origin = z.services.adminTokenOrigin;
  // The admin token is printed at its first start only; afterwards where it is, not what it is.
  const tokenLine = origin.created ? `${z.services.adminToken}  (shown only this once; kept in ${origin.source})` : `in ${origin.source}`;
  const lines = [
    `zhibo is running (${z.db.kind === 'pglite' ? `embedded database in ${join(z.config.dataDir, 'pg')}` : 'PostgreSQL'})`,
    `  HTTP API:     ${urls.http}`,
    `  RTMP ingest:  ${urls.rtmp}`,
    `  admin token:  ${tokenLine}`,
    `  console:      ${z.config.consoleUrl || urls.http}/console/`,
  ];
  if (z.config.whip)
    lines.push(`  WHIP ingest:  ${urls.http}/whip/ROOMID  (Bearer = the stream key; media over UDP ${z.config.whipUdpPorts.join('-')})`);
  lines.push('', ...addressLines(config, urls));
  const operator = await z.services.accounts.ensureOperator();
  if (operator)
    lines.push(
      '',
      'Console operator account (shown only this once; `zhibo operator reset-password` makes a new one):',
      `  login:        ${operator.login}`,
      `  password:     ${operator.password}`,
    );
  let shop: DemoShop | undefined;
  if (flags.demo) {
    const d = await ensureDemo(z.services, Math.floor(Date.now() / 1000));
    lines.push(
      '',
      'Demo merchant app:',
      `  appid:        ${d.appid}`,
      `  appsecret:    ${d.appsecret}`,
      `  demo room:    ${d.roomId}  (${urls.http}/room/?room_id=${d.roomId})`,
      `  push URL:     ${d.pushAddr}`,
      `  try:          curl '${urls.http}/cgi-bin/token?grant_type=client_credential&appid=${d.appid}&secret=${d.appsecret}'`,
      `  push a test stream: ffmpeg -re -f lavfi -i testsrc=size=1280x720:rate=25 -f lavfi -i sine -c:v libx264 -pix_fmt yuv420p -g 50 -c:a aac -f flv '${d.pushAddr}'`,
    );
    if (flags.shop !== 'off') {
      try {
        shop = await startDemoShop(z.services, {
          listen: flags.shop ?? defaultShop(z.config.http.host),
          appid: d.appid,
          appsecret: d.appsecret,
        });
        lines.push(`  demo shop:    ${shop.url}/  (the merchant's own site: room list, subscribe, goods pages)`);
      } catch (e) {
        lines.push(`  demo shop:    not started: ${(e as Error).message}`);
      }
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) {
      process.stdout.write(`zhibo: ${sig} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`zhibo: ${sig}, shutting down\n`);
    // Whatever happens below, the process ends (a stuck database takes seconds: each component then gets 1 s).
    setTimeout(() => {
      process.stderr.write('zhibo: shutdown did not finish within 5 minutes; exiting\n');
      process.exit(1);
    }, 300_000).unref();
    rmSync(infoFile, { force: true });
    await shop?.stop();
    await z.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function direct<T>(config: Config, fn: (z: Awaited<ReturnType<typeof createZhibo>>) => Promise<T>): Promise<T> {
  const z = await createZhibo(config, { log: silentLog, runTimers: false });
  try {
    return await fn(z);
  } finally {
    await z.close();
  }
}

async function main(argv: string[]): Promise<void> {
  // Everything this process creates (database files, recordings, server.json) is for its own user only.
  process.umask(0o077);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      http: { type: 'string' },
      rtmp: { type: 'string' },
      data: { type: 'string' },
      'trust-proxy': { type: 'string' },
      name: { type: 'string' },
      demo: { type: 'boolean' },
      shop: { type: 'string' },
      login: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const flags = values;
  const [cmd, sub, arg] = positionals;
  if (flags.help || !cmd || cmd === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (cmd === 'serve') return serve(flags);
  if (cmd === 'app' && sub === 'create') {
    if (!flags.name) die('app create needs --name NAME', 2);
    const config = configFrom(flags);
    const srv = await runningServer(config);
    const out = srv
      ? await viaServer(srv, 'POST', '/apps', { name: flags.name })
      : await direct(config, (z) => z.services.apps.create(flags.name!));
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  if (cmd === 'operator' && sub === 'reset-password') {
    const config = configFrom(flags);
    const srv = await runningServer(config);
    const body = flags.login ? { login: flags.login } : {};
    const out = srv
      ? await (async () => {
          const j = (await viaServer(srv, 'POST', '/operator/reset-password', body)) as { login?: string; password?: string };
          return j;
        })()
      : await direct(config, (z) => z.services.accounts.resetOperatorPassword(flags.login));
    process.stdout.write(
      `console operator ${out.login}: new password ${out.password}\n(shown only this once; it must be changed at the first sign-in; every session of this account was ended)\n`,
    );
    return;
  }
  if (cmd === 'room' && sub && (isRoomAction(sub) || sub === 'events')) {
    if (!arg || !/^\d{1,10}$/.test(arg)) die(`room ${sub} needs a numeric ROOMID`, 2);
    const config = configFrom(flags);
    const srv = await runningServer(config);
    if (sub === 'events') {
      const out = srv
        ? await viaServer(srv, 'GET', `/rooms/${arg}/events`)
        : await direct(config, async (z) => {
            const room = await z.services.rooms.getAny(Number(arg));
            if (!room) die(`room ${arg} does not exist`);
            return { roomId: room.id, live_status: room.live_status, events: await z.services.rooms.auditLog(room.id) };
          });
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    const action = sub;
    if (!isRoomAction(action)) die(`unknown room action ${String(action)}`, 2);
    const out = srv
      ? await viaServer(srv, 'POST', `/rooms/${arg}/${action}`)
      : await direct(config, (z) => operatorAction(z.services.rooms, Number(arg), action, 'cli'));
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  if (cmd === 'backup' || cmd === 'restore') {
    if (!sub) die(`${cmd} needs a FILE`, 2);
    const config = configFrom(flags);
    const srv = await runningServer(config);
    try {
      process.stdout.write(`${cmd === 'backup' ? await backupCommand(config, sub, srv) : await restoreCommand(config, sub, srv)}\n`);
    } catch (e) {
      if (e instanceof BackupError) die(e.message);
      throw e;
    }
    return;
  }
  die(`unknown command "${positionals.join(' ')}"; see zhibo --help`, 2);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof DataDirLocked) die(`${e.message}, and it does not answer on its admin API; stop it or try again`);
  die((e as Error).message);
});
