import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveStatus, REALTIME_VERSION, SDK_VERSION } from '@zhibo/protocol';
import { ffprobe, pushTestStream, type Pusher, waitUntil, WxApi } from '@zhibo/testkit';
import { png } from './helpers.js';
import { freePort, recordingLog, startOpsServer, startTool, type Tool } from './ops-helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Replace `from` in `text` exactly once (the test fails when the reference file changes shape under it). */
function once(text: string, from: string, to: string): string {
  const n = text.split(from).length - 1;
  if (n !== 1) throw new Error(`expected "${from}" once in the reference file, found ${n} times`);
  return text.replace(from, to);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** An https request that trusts only the test's self-signed certificate. */
function httpsGet(url: string, ca: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('the deployment files, run for real', () => {
  let nginx: Tool | undefined;
  let pusher: Pusher | undefined;
  let server: Awaited<ReturnType<typeof startOpsServer>> | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await nginx?.stop();
    await pusher?.stop();
    await server?.cleanup();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('systemd-analyze verify accepts deploy/systemd/zhibo.service without a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhibo-unit-'));
    dirs.push(dir);
    // the unit names Debian's /usr/bin/node; this machine's node may live elsewhere
    const unit = once(
      readFileSync(join(root, 'deploy/systemd/zhibo.service'), 'utf8'),
      'ExecStart=/usr/bin/node ',
      `ExecStart=${process.execPath} `,
    );
    writeFileSync(join(dir, 'zhibo.service'), unit);
    const out = await new Promise<{ code: number; text: string }>((resolve) =>
      execFile('systemd-analyze', ['verify', join(dir, 'zhibo.service')], (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, text: `${stdout}${stderr}` }),
      ),
    );
    expect(out.text.trim()).toBe('');
    expect(out.code).toBe(0);
    for (const key of [
      'StateDirectory=zhibo',
      'Restart=on-failure',
      'LimitNOFILE=',
      'ProtectSystem=strict',
      'NoNewPrivileges=yes',
      'User=zhibo',
    ])
      expect(unit).toContain(key);
    // a typo in a key is a warning systemd-analyze prints: the check above would see it
    writeFileSync(join(dir, 'zhibo.service'), unit.replace('ProtectHome=yes', 'ProtectHomme=yes'));
    const bad = await new Promise<string>((resolve) =>
      execFile('systemd-analyze', ['verify', join(dir, 'zhibo.service')], (_e, so, se) => resolve(`${so}${se}`)),
    );
    expect(bad).toContain("Unknown key 'ProtectHomme'");
  });

  it('nginx with deploy/nginx/zhibo.conf: HTTP-FLV, WS-FLV and LL-HLS play through https, the realtime WebSocket opens, client address and request id reach zhibo', async () => {
    const log = recordingLog();
    server = await startOpsServer({ ZHIBO_TRUST_PROXY: '127.0.0.1', ZHIBO_ACCESS_LOG: 'info' }, { log });
    const s = server;
    const { appid, appsecret } = await s.z.services.apps.create('Proxy shop');
    const api = new WxApi(s.url);
    const token = await api.token(appid, appsecret);
    const media = (await api.upload(token, png())).media_id as string;
    const now = Math.floor(Date.now() / 1000);
    const created = await api.post(
      '/wxaapi/broadcast/room/create',
      {
        name: '代理直播间',
        coverImg: media,
        startTime: now + 600,
        endTime: now + 7200,
        anchorName: '主播',
        shareImg: media,
        type: 1,
        screenType: 0,
        closeLike: 0,
        closeGoods: 0,
        closeComment: 0,
      },
      { access_token: token },
    );
    const room = created.roomId as number;
    const { pushAddr } = await api.get('/wxaapi/broadcast/room/getpushurl', { roomId: room, access_token: token });
    pusher = pushTestStream(pushAddr as string);

    // nginx in a temporary prefix: a self-signed certificate, loopback ports, the reference site config
    const prefix = mkdtempSync(join(tmpdir(), 'zhibo-nginx-'));
    dirs.push(prefix);
    for (const d of ['tmp', 'cache']) mkdirSync(join(prefix, d));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(prefix, 'key.pem'),
        '-out',
        join(prefix, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const ca = readFileSync(join(prefix, 'cert.pem'));
    const [https, http] = [await freePort(), await freePort()];
    let site = readFileSync(join(root, 'deploy/nginx/zhibo.conf'), 'utf8');
    site = once(site, 'server 127.0.0.1:8080;', `server ${new URL(s.url).host};`);
    site = once(site, 'listen 443 ssl http2;', `listen 127.0.0.1:${https} ssl http2;`);
    site = once(site, 'listen 80;', `listen 127.0.0.1:${http};`);
    site = once(site, '/etc/ssl/zhibo/fullchain.pem', join(prefix, 'cert.pem'));
    site = once(site, '/etc/ssl/zhibo/privkey.pem', join(prefix, 'key.pem'));
    site = once(site, '/var/cache/nginx/zhibo', join(prefix, 'cache'));
    writeFileSync(join(prefix, 'zhibo.conf'), site);
    const tmp = join(prefix, 'tmp');
    writeFileSync(
      join(prefix, 'nginx.conf'),
      [
        process.getuid?.() === 0 ? 'user root root;' : '',
        'worker_processes 1;',
        `error_log ${join(prefix, 'error.log')} warn;`,
        `pid ${join(prefix, 'nginx.pid')};`,
        'events { worker_connections 512; }',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${join(tmp, k)};`),
        `  include ${join(prefix, 'zhibo.conf')};`,
        '}',
      ].join('\n'),
    );
    execFileSync('nginx', ['-t', '-q', '-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: 'pipe' });
    nginx = startTool('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;']);
    const base = `https://127.0.0.1:${https}`;
    const health = await waitUntil(() => httpsGet(`${base}/healthz`, ca).catch(() => undefined), {
      timeoutMs: 15_000,
      what: `nginx up (${nginx.output()})`,
    });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toMatchObject({ ok: true, db: 'pglite', degraded: [] });
    // zhibo believes nginx's request id (trusted proxy) and the client address it forwards
    const viaProxy = await httpsGet(`${base}/healthz`, ca, { 'x-forwarded-for': '203.0.113.7' });
    const rid = viaProxy.headers['x-request-id'] as string;
    expect(rid).toMatch(/^[0-9a-f]{32}$/);
    expect(log.lines.filter((l) => l.startsWith(`info http ${rid} GET /healthz 200 `) && l.includes(' ip=203.0.113.7'))).toHaveLength(1);
    // plain http is sent to https
    const redirect = await fetch(`http://127.0.0.1:${http}/room/?room_id=${room}`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe(`https://127.0.0.1/room/?room_id=${room}`);

    await waitUntil(() => s.z.services.rooms.cachedStatus(room)?.status === LiveStatus.Live, { timeoutMs: 20_000, what: 'room live' });
    // HTTP-FLV through TLS (buffering off: ffprobe gets the header, the metadata and the first GOP at once)
    expect((await ffprobe(`${base}/live/${room}.flv`)).codecs).toEqual(['aac', 'h264']);
    // WS-FLV through the upgrade
    const flv = await new Promise<Buffer>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${https}/live/${room}.flv`, { ca });
      ws.once('message', (d: Buffer) => {
        resolve(d);
        ws.terminate();
      });
      ws.once('error', reject);
    });
    expect(flv.subarray(0, 3).toString()).toBe('FLV');
    // LL-HLS: the playlist passes with zhibo's cache header; an immutable part is served from nginx's cache the second time
    const playlist = await waitUntil(
      async () => {
        const r = await httpsGet(`${base}/live/${room}/index.m3u8`, ca);
        return r.status === 200 && r.body.toString().includes('#EXT-X-PART:') ? r : undefined;
      },
      { timeoutMs: 20_000, what: 'LL-HLS playlist with parts' },
    );
    expect(playlist.headers['cache-control']).toBe('public, max-age=1');
    const part = /#EXT-X-PART:[^\n]*URI="([^"]+)"/.exec(playlist.body.toString())![1]!;
    const first = await httpsGet(`${base}/live/${room}/${part}`, ca);
    const again = await httpsGet(`${base}/live/${room}/${part}`, ca);
    expect(first.status).toBe(200);
    expect(again.headers['x-cache-status']).toBe('HIT');
    expect(again.body.equals(first.body)).toBe(true);
    expect((await ffprobe(`${base}/live/${room}/index.m3u8`)).codecs).toEqual(['aac', 'h264']);
    // the realtime gateway through the upgrade: hello → welcome
    const welcome = await new Promise<{ type: string; room: { roomId: number } }>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${https}/ws/room`, { ca });
      ws.once('open', () =>
        ws.send(
          JSON.stringify({ type: 'hello', v: REALTIME_VERSION, roomId: room, deviceId: 'device-through-nginx', sdkVersion: SDK_VERSION }),
        ),
      );
      ws.on('message', (d: Buffer) => {
        const m = JSON.parse(d.toString()) as { type: string; room: { roomId: number } };
        if (m.type === 'welcome') {
          resolve(m);
          ws.close();
        }
      });
      ws.once('error', reject);
    });
    expect(welcome.room.roomId).toBe(room);
    // the admin API answers through nginx from this host (it is allowed from private addresses only)
    const apps = await httpsGet(`${base}/admin/api/apps`, ca, { authorization: `Bearer ${s.z.services.adminToken}` });
    expect(apps.status).toBe(200);
  });
});
