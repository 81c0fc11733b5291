// npm run bench -- golive: going live with 100 000 subscribers (issue 10 Medium 11), on PGlite and on a throw-away
// PostgreSQL (Debian's server on a loopback port, deleted afterwards — as scripts/test.sh does; BENCH_PG_URL uses an
// existing database instead). Per database: a zhibo server child, room B live (ffmpeg, 25 fps) and watched over
// HTTP-FLV in this process, and BENCH_ROOMS rooms with BENCH_SUBS subscriptions each that go live one a second
// (102 → 101: the transition writes one fan-out row; the reminder worker expands it in chunks meanwhile). Prints the
// go-live transition latency (timed in the server; goal p99 < 50 ms) and room B's frame gaps and the server's
// event-loop delay before and during the go-lives. Every child is killed by PID at the end.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchChild, pct, pushStream, sleep, table, watch } from './lib.mjs';

const SUBS = Number(process.env.BENCH_SUBS ?? 100_000);
const ROOMS = Number(process.env.BENCH_ROOMS ?? 10);
const children = new Set();
let pgStop;
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
  pgStop?.();
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
const log = (m) => console.error(`[bench golive] ${m}`);

const child = (script, args, env) => benchChild(new URL(script, import.meta.url), args, env, track);

/** A throw-away PostgreSQL server; returns its URL (stopped and deleted at exit). */
function throwAwayPostgres() {
  if (process.env.BENCH_PG_URL) return process.env.BENCH_PG_URL;
  const bins = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  if (!bins.length) throw new Error('no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)');
  const bin = `/usr/lib/postgresql/${bins.at(-1)}/bin`;
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-pg-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const runAs = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (runAs.length)
    chownSync(
      dir,
      Number(spawnSync('id', ['-u', 'postgres']).stdout.toString()),
      Number(spawnSync('id', ['-g', 'postgres']).stdout.toString()),
    );
  const run = (cmd, args) => {
    const r = spawnSync(runAs[0] ?? cmd, [...runAs.slice(1), ...(runAs.length ? [cmd] : []), ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`${cmd} failed`);
  };
  run(`${bin}/initdb`, ['-D', `${dir}/data`, '-U', 'zhibo', '--auth=trust', '-E', 'UTF8']);
  run(`${bin}/pg_ctl`, [
    '-D',
    `${dir}/data`,
    '-l',
    `${dir}/log`,
    '-w',
    '-o',
    `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=200`,
    'start',
  ]);
  pgStop = () => {
    spawnSync(
      runAs[0] ?? `${bin}/pg_ctl`,
      [...runAs.slice(1), ...(runAs.length ? [`${bin}/pg_ctl`] : []), '-D', `${dir}/data`, '-m', 'immediate', 'stop'],
      { stdio: 'ignore' },
    );
    rmSync(dir, { recursive: true, force: true });
    pgStop = undefined;
  };
  return `postgres://zhibo@127.0.0.1:${port}/postgres`;
}

async function run(kind) {
  const env = kind === 'postgres' ? { DATABASE_URL: throwAwayPostgres() } : {};
  const srv = child('./servers/zhibo-live.mjs', [String(ROOMS + 1)], env);
  const info = await srv.next();
  const [other, ...targets] = info.rooms;
  let t = performance.now();
  for (const room of targets) await srv.ask({ op: 'subscribe', room, n: SUBS });
  log(`${kind}: ${ROOMS} × ${SUBS} subscriptions in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const pub = track(pushStream(info.pushUrls[0]));
  const viewer = watch(`${info.http}/live/${other}.flv?device=bench-golive-viewer`);
  await viewer.ready;
  await sleep(3000);
  viewer.mark();
  await srv.ask('eld');
  await sleep(5000);
  const before = { ...viewer.window(), eld: (await srv.ask('eld')).eld };
  viewer.mark();
  const lat = [];
  for (const room of targets) {
    const r = await srv.ask({ op: 'apply', room, cause: 'publish_started' });
    if (r.kind !== 'changed') throw new Error(`go-live of room ${room}: ${r.kind}`);
    lat.push(r.ms);
    await sleep(1000);
  }
  t = performance.now();
  for (;;) {
    const o = await srv.ask({ op: 'outbox', room: targets.at(-1) });
    if (o.fanouts === 0 && o.deliveries > 0) break;
    if (performance.now() - t > 120_000) break;
    await sleep(250);
  }
  const during = { ...viewer.window(), eld: (await srv.ask('eld')).eld };
  viewer.close();
  pub.kill('SIGKILL');
  await srv.ask('stop').catch(() => undefined);
  pgStop?.();
  const f = (x) => x.toFixed(1);
  return [
    {
      db: kind,
      measure: `go-live transition (${lat.length} rooms × ${SUBS} subscribers), ms`,
      p50: f(pct(lat, 50)),
      p99: f(pct(lat, 99)),
      max: f(Math.max(...lat)),
      goal: 'p99 < 50',
    },
    {
      db: kind,
      measure: 'room B frame gap before the go-lives, ms',
      p50: f(pct(before.gaps, 50)),
      p99: f(pct(before.gaps, 99)),
      max: f(Math.max(...before.gaps)),
      goal: '',
    },
    {
      db: kind,
      measure: 'room B frame gap during go-lives + fan-out, ms',
      p50: f(pct(during.gaps, 50)),
      p99: f(pct(during.gaps, 99)),
      max: f(Math.max(...during.gaps)),
      goal: 'unchanged',
    },
    {
      db: kind,
      measure: 'server event-loop delay before, ms',
      p50: f(before.eld.p50),
      p99: f(before.eld.p99),
      max: f(before.eld.max),
      goal: '',
    },
    {
      db: kind,
      measure: 'server event-loop delay during, ms',
      p50: f(during.eld.p50),
      p99: f(during.eld.p99),
      max: f(during.eld.max),
      goal: '',
    },
  ];
}

const kinds = (process.env.BENCH_DBS ?? 'pglite,postgres').split(',');
const rows = [];
for (const k of kinds) rows.push(...(await run(k)));
console.log(
  `\nnpm run bench -- golive  (${ROOMS} rooms × ${SUBS} subscribers go live one a second; room B live at 25 fps, watched over HTTP-FLV)\n`,
);
console.log(table(rows));
process.exit(0);
