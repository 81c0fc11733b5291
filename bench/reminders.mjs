// npm run bench -- reminders: go-live reminders to 100 000 subscribers of one room (issue 6).
// A webhook sink on loopback (child process); zhibo in this process on PGlite (or DATABASE_URL).
// Prints: time from the go-live to the last delivery, deliveries/s, the go-live transition's own
// latency (it only inserts the outbox rows, it never waits for deliveries), and the latency of an
// unrelated status change and of a plugin API read while the reminders are being sent.
// Env: BENCH_SUBS (default 100000), ZHIBO_REMINDER_RATE (default here 20000), ZHIBO_REMINDER_CONCURRENCY (default here 64).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createZhibo, loadConfig } from '../packages/server/dist/index.js';
import { solidPng } from '../packages/server/dist/app/demo.js';
import { silentLog } from '../packages/server/dist/lib/log.js';
import { startChild, table } from './lib.mjs';

const N = Number(process.env.BENCH_SUBS ?? 100_000);
const env = {
  ZHIBO_REMINDER_RATE: '20000',
  ZHIBO_REMINDER_CONCURRENCY: '64',
  ZHIBO_OUTBOUND_ALLOW: '127.0.0.1/32',
  ...process.env,
  ZHIBO_HLS: '0',
};
const sink = await startChild(new URL('./servers/reminder-sink.mjs', import.meta.url));
const ask = () =>
  new Promise((r) => {
    sink.child.once('message', r);
    sink.child.send('stats');
  });
const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-rem-'));
const config = loadConfig(env, { http: '127.0.0.1:0', rtmp: '127.0.0.1:0', dataDir: dir });
const z = await createZhibo(config, { log: silentLog });
const urls = await z.listen();
const s = z.services;
const pct = (xs, p) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length ? a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))] : NaN;
};
const ms = (x) => x.toFixed(1);
try {
  const { appid } = await s.apps.create('bench');
  await s.apps.updateSettings(appid, {
    reminders: { webhookUrl: `http://127.0.0.1:${sink.info.port}/hook`, webpush: false, inPage: false },
  });
  const img = await s.images.upload(appid, solidPng(32, 32, [1, 2, 3]));
  const now = Math.floor(Date.now() / 1000);
  const room = (name) =>
    s.rooms.create(appid, {
      name,
      coverImg: img.media_id,
      shareImg: img.media_id,
      startTime: now + 600,
      endTime: now + 7200,
      anchorName: '主播',
      type: 1,
      screenType: 0,
    });
  const target = await room('十万订阅直播间');
  const other = await room('另一个直播间');
  await s.rooms.apply(other, 'publish_started', 'bench');

  let t = performance.now();
  for (let i = 0; i < N; i += 10_000)
    await s.reminders.bulkSubscribe(
      target,
      Array.from({ length: Math.min(10_000, N - i) }, (_, j) => `o-bench-${i + j}`),
    );
  const subMs = performance.now() - t;

  // Probes while sending: a plugin status read over HTTP and an unrelated room's status change (pause/resume).
  const reads = [];
  const changes = [];
  let probing = true;
  const probe = (async () => {
    let paused = false;
    while (probing) {
      let p = performance.now();
      await (
        await fetch(`${urls.http}/api/plugin/v1/subscription?room_id=${other}`, { headers: { 'x-zhibo-device': 'bench-probe-01' } })
      ).arrayBuffer();
      reads.push(performance.now() - p);
      p = performance.now();
      await s.rooms.apply(other, paused ? 'resumed' : 'paused', 'bench');
      changes.push(performance.now() - p);
      paused = !paused;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await new Promise((r) => setTimeout(r, 500)); // a baseline before the go-live
  const baseReads = reads.length;
  const baseChanges = changes.length;

  const wall0 = Date.now();
  t = performance.now();
  const r = await s.rooms.apply(target, 'publish_started', 'bench');
  const goLiveMs = performance.now() - t;
  if (r.kind !== 'changed') throw new Error(`go-live: ${JSON.stringify(r)}`);
  let st;
  for (;;) {
    st = await ask();
    if (st.distinct >= N) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const lastMs = st.last - wall0;
  probing = false;
  await probe;
  for (;;) {
    const [c] = await z.db.query(`SELECT count(*)::int AS n FROM reminder_outbox WHERE room_id = $1 AND state <> 'sent'`, [target]);
    if (c.n === 0) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const recordedMs = Date.now() - wall0;
  const dur = (a, b) => [ms(pct(a, 50)), ms(pct(a, 99)), ms(Math.max(...a)), b];
  console.log(
    `\nnpm run bench -- reminders  (${N} subscriptions, webhook sink on loopback, ${z.db.kind}, rate limit ${config.reminderRate}/s, concurrency ${config.reminderConcurrency})\n`,
  );
  console.log(
    table([
      { measure: `bulk insert of ${N} subscriptions`, value: `${ms(subMs)} ms` },
      { measure: 'go-live status change (incl. INSERT … SELECT of the outbox rows)', value: `${ms(goLiveMs)} ms` },
      { measure: 'go-live → last delivery received', value: `${ms(lastMs)} ms` },
      { measure: 'deliveries/s (go-live → last)', value: Math.round((N / lastMs) * 1000) },
      { measure: 'go-live → all recorded as sent', value: `${recordedMs} ms` },
      { measure: 'repeats at the sink', value: st.total - st.distinct },
    ]),
  );
  console.log();
  console.log(
    table([
      {
        probe: 'plugin read, before go-live',
        'p50 ms': ms(pct(reads.slice(0, baseReads), 50)),
        'p99 ms': ms(pct(reads.slice(0, baseReads), 99)),
        'max ms': ms(Math.max(...reads.slice(0, baseReads))),
        n: baseReads,
      },
      {
        probe: 'plugin read, during the send',
        ...Object.fromEntries(
          ['p50 ms', 'p99 ms', 'max ms', 'n'].map((k, i) => [k, dur(reads.slice(baseReads), reads.length - baseReads)[i]]),
        ),
      },
      {
        probe: 'other room pause/resume, before',
        'p50 ms': ms(pct(changes.slice(0, baseChanges), 50)),
        'p99 ms': ms(pct(changes.slice(0, baseChanges), 99)),
        'max ms': ms(Math.max(...changes.slice(0, baseChanges))),
        n: baseChanges,
      },
      {
        probe: 'other room pause/resume, during',
        ...Object.fromEntries(
          ['p50 ms', 'p99 ms', 'max ms', 'n'].map((k, i) => [k, dur(changes.slice(baseChanges), changes.length - baseChanges)[i]]),
        ),
      },
    ]),
  );
} finally {
  await z.close();
  rmSync(dir, { recursive: true, force: true });
  sink.child.send('stop');
}
