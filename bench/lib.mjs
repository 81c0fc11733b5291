// Shared helpers for the benchmarks: child servers, autocannon runs, tables.
import { fork, spawn } from 'node:child_process';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

/** Fork a server script; resolves with its first IPC message (its address) and the child. */
export function startChild(script, args = []) {
  const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, info }));
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

export async function load(opts) {
  const r = await autocannon({ connections: 50, duration: 8, pipelining: 1, ...opts });
  if (r.non2xx || r.errors) console.warn(`  (${opts.url}: ${r.non2xx} non-2xx, ${r.errors} errors)`);
  return { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50 };
}

export function table(rows) {
  const cols = Object.keys(rows[0]);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals) => vals.map((v, i) => String(v).padEnd(w[i])).join('  ');
  return [line(cols), line(w.map((n) => '-'.repeat(n))), ...rows.map((r) => line(cols.map((c) => r[c])))].join('\n');
}

// The flood and golive benchmarks: a live stream pushed with ffmpeg, watched over HTTP-FLV, timing the gap between
// consecutive video tags as they arrive (25 fps: 40 ms when nothing stalls the server).

/** ffmpeg pushing a 640×360 25 fps test stream (1 s GOP) to `url`; returns the child (kill it by PID when done). */
export function pushStream(url) {
  return spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=640x360:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-preset',
      'veryfast',
      '-tune',
      'zerolatency',
      '-g',
      '25',
      '-b:v',
      '800k',
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-f',
      'flv',
      url,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/** An HTTP-FLV viewer recording the arrival time of every video tag. mark() starts a new window; window() reads it. */
export function watch(url) {
  let buf = Buffer.alloc(0);
  let headerDone = false;
  let arrivals = [];
  let last = 0;
  const gaps = [];
  let req;
  const ready = new Promise((resolve, reject) => {
    req = request(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`FLV ${url}: ${res.statusCode}`));
      res.on('data', (d) => {
        const now = performance.now();
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        if (!headerDone) {
          if (buf.length < 13) return;
          buf = buf.subarray(13);
          headerDone = true;
        }
        while (buf.length >= 11) {
          const size = buf.readUIntBE(1, 3);
          if (buf.length < 11 + size + 4) break;
          if (buf[0] === 9) {
            if (last) gaps.push(now - last);
            last = now;
            arrivals.push(now);
            resolve();
          }
          buf = buf.subarray(11 + size + 4);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
  return {
    ready,
    mark() {
      gaps.length = 0;
      arrivals = [];
    },
    window() {
      return { gaps: [...gaps], frames: arrivals.length };
    },
    close() {
      req.destroy();
    },
  };
}

export const pct = (xs, p) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length ? a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))] : NaN;
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Fork a bench child with `env` added; `next()` resolves with its next IPC message (rejects if it exits first),
 * `ask(m)` sends m and awaits the answer. Children are registered in `track` so the caller can kill them by PID.
 */
export function benchChild(script, args = [], env = {}, track = (c) => c) {
  const c = track(fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } }));
  const waiters = [];
  c.on('message', (m) => waiters.shift()?.resolve(m));
  c.once('exit', (code) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`${script} exited ${code}`));
  });
  const next = () => new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  return {
    child: c,
    next,
    ask: (m) => {
      const p = next();
      c.send(m);
      return p;
    },
  };
}
