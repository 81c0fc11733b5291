// npm run bench -- flood: live video during an anonymous read flood (issue 10 Medium 10).
// A zhibo server child (PGlite on disk), ffmpeg pushing a 25 fps stream to room A, an HTTP-FLV viewer of room A in this
// process timing the gap between video frames, and an autocannon child flooding anonymous reads of room A (the room
// page's room read; every 10th request a QR image with new params: a render). Two server runs: the defaults (per-address
// read limits on) and with the limits off (ZHIBO_PLUGIN_RATE_PER_IP=0 ZHIBO_RENDER_RATE_PER_IP=0: the cache and the
// off-thread work alone). For each: frame gap p50/p99/max and the server's event-loop delay, without and during the
// flood, side by side. Loopback only; every child is killed by PID at the end. Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (100).
import { benchChild, pct, pushStream, sleep, table, watch } from './lib.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const children = new Set();
const track = (c) => {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
};
process.on('exit', () => {
  for (const c of children)
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

const child = (script, args, env) => benchChild(new URL(script, import.meta.url), args, env, track);

async function run(label, env) {
  const srv = child('./servers/zhibo-live.mjs', ['1'], env);
  const info = await srv.next();
  const room = info.rooms[0];
  const pub = track(pushStream(info.pushUrls[0]));
  const viewer = watch(`${info.http}/live/${room}.flv?device=bench-flood-viewer`);
  await viewer.ready;
  await sleep(3000); // the encoder settles
  const measure = async (flood) => {
    viewer.mark();
    await srv.ask('eld');
    let load;
    if (flood) {
      const l = child('./servers/flood-load.mjs', []);
      load = l.ask({ url: info.http, room, connections: CONNECTIONS, seconds: SECONDS });
    }
    const result = flood ? await load : (await sleep(SECONDS * 1000), undefined);
    const { gaps, frames } = viewer.window();
    const { eld } = await srv.ask('eld');
    return { gaps, frames, eld, result };
  };
  const quiet = await measure(false);
  const busy = await measure(true);
  viewer.close();
  pub.kill('SIGKILL');
  await srv.ask('stop').catch(() => undefined);
  const row = (phase, m) => ({
    run: label,
    phase,
    'frame gap p50 ms': pct(m.gaps, 50).toFixed(0),
    'p99 ms': pct(m.gaps, 99).toFixed(0),
    'max ms': Math.max(...m.gaps).toFixed(0),
    frames: m.frames,
    'server loop delay p99 ms': m.eld.p99.toFixed(1),
    'max ms ': m.eld.max.toFixed(1),
    'flood req/s': m.result ? m.result.rps : '',
    answers: m.result
      ? Object.entries(m.result.codes)
          .map(([k, v]) => `${k}:${v}`)
          .join(' ')
      : '',
  });
  return [row('no flood', quiet), row('anonymous read flood', busy)];
}

const rows = [
  ...(await run('defaults (limits on)', {})),
  ...(await run('limits off', { ZHIBO_PLUGIN_RATE_PER_IP: '0', ZHIBO_RENDER_RATE_PER_IP: '0' })),
];
console.log(
  `\nnpm run bench -- flood  (${SECONDS} s per phase, ${CONNECTIONS} flood connections from one address, PGlite on disk, 25 fps stream)\n`,
);
console.log(table(rows));
process.exit(0);
