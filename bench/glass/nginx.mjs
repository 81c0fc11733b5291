// nginx-rtmp for `npm run bench -- latency`: Debian's nginx with libnginx-mod-rtmp, one process (daemon off,
// master_process off) with a config generated into a temp dir: RTMP on 127.0.0.1, `hls on` with 1 s fragments
// (nginx-rtmp cuts at keyframes, so a fragment is at least one GOP), HLS served over HTTP on 127.0.0.1 with CORS.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

/** A free loopback port (nginx needs a real number in its config). */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Start nginx; resolves once its RTMP port accepts. `track` gets the ChildProcess (so the bench can kill it). */
export async function startNginxRtmp(track = () => {}) {
  if (!existsSync('/usr/sbin/nginx') || !existsSync(NGINX_RTMP_MODULE))
    throw new Error('nginx-rtmp: install nginx and libnginx-mod-rtmp (apt-get install -y nginx libnginx-mod-rtmp)');
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-nginx-'));
  mkdirSync(join(dir, 'hls'));
  mkdirSync(join(dir, 'tmp'));
  const rtmpPort = await freePort();
  const httpPort = await freePort();
  const t = join(dir, 'tmp');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `load_module ${NGINX_RTMP_MODULE};
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    chunk_size 4096;
    application live {
      live on;
      hls on;
      hls_path ${dir}/hls;
      hls_fragment 1s;
      hls_playlist_length 4s;
      hls_cleanup on;
    }
  }
}
http {
  access_log off;
  client_body_temp_path ${t}/body; proxy_temp_path ${t}/proxy; fastcgi_temp_path ${t}/fastcgi; uwsgi_temp_path ${t}/uwsgi; scgi_temp_path ${t}/scgi;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  server {
    listen 127.0.0.1:${httpPort};
    location /hls/ {
      alias ${dir}/hls/;
      add_header Access-Control-Allow-Origin * always;
      add_header Cache-Control no-cache always;
    }
  }
}
`,
  );
  const p = spawn('/usr/sbin/nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  track(p);
  let err = '';
  p.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-4000)));
  const exited = new Promise((r) => p.once('exit', r));
  const log = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000) : '') + err;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (p.exitCode !== null) throw new Error(`nginx exited ${p.exitCode}: ${log()}`);
    const up = await new Promise((r) => {
      const s = createServer();
      s.once('error', () => r(true)); // the port is taken: nginx is listening
      s.listen(rtmpPort, '127.0.0.1', () => s.close(() => r(false)));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen within 10 s: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopped;
  return {
    rtmpPort,
    httpPort,
    pid: p.pid,
    rtmpUrl: (stream) => `rtmp://127.0.0.1:${rtmpPort}/live/${stream}`,
    hlsUrl: (stream) => `http://127.0.0.1:${httpPort}/hls/${stream}.m3u8`,
    log,
    stop: () =>
      (stopped ??= (async () => {
        if (p.exitCode === null) p.kill('SIGTERM');
        const t = setTimeout(() => p.exitCode === null && p.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}
