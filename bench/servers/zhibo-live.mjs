// A zhibo server for `npm run bench -- flood|golive`: PGlite on disk in a temp dir (or DATABASE_URL), HLS off, the real
// clock. Creates an app and `rooms` rooms; answers {http, rtmp, appid, rooms, pushUrls} over IPC. On 'eld' it answers
// the event-loop delay (p50/p99/max ms) since the last 'eld' and resets it; 'subscribe', 'apply' and 'outbox' serve
// the golive benchmark; on 'stop' it closes and exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createZhibo, loadConfig } from '../../packages/server/dist/index.js';
import { solidPng } from '../../packages/server/dist/app/demo.js';
import { silentLog } from '../../packages/server/dist/lib/log.js';

const rooms = Number(process.argv[2] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'zhibo-bench-live-'));
const config = loadConfig({ ZHIBO_HLS: '0', ...process.env }, { http: '127.0.0.1:0', rtmp: '127.0.0.1:0', dataDir: dir });
const z = await createZhibo(config, { log: silentLog });
const urls = await z.listen();
const s = z.services;
const { appid } = await s.apps.create('bench');
const img = await s.images.upload(appid, solidPng(32, 32, [1, 2, 3]));
const now = Math.floor(Date.now() / 1000);
const ids = [];
for (let r = 0; r < rooms; r++)
  ids.push(
    await s.rooms.create(appid, {
      name: `压测直播间${r}`,
      coverImg: img.media_id,
      shareImg: img.media_id,
      startTime: now + 600,
      endTime: now + 7200,
      anchorName: '主播',
      type: 1,
      screenType: 0,
    }),
  );
const pushUrls = [];
for (const id of ids) pushUrls.push((await s.rooms.getAny(id)) && `${urls.rtmp}/${id}?key=${(await s.rooms.getAny(id)).stream_key}`);
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
process.send?.({ http: urls.http, rtmp: urls.rtmp, appid, rooms: ids, pushUrls, db: z.db.kind });
process.on('message', async (m) => {
  if (m === 'eld') {
    process.send?.({ eld: { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 } });
    eld.reset();
  } else if (m?.op === 'subscribe') {
    // golive: n subscriptions of one room (bulk insert, as the reminders benchmark does)
    const t = performance.now();
    for (let i = 0; i < m.n; i += 10_000)
      await s.reminders.bulkSubscribe(
        m.room,
        Array.from({ length: Math.min(10_000, m.n - i) }, (_, j) => `o-bench-${m.room}-${i + j}`),
      );
    process.send?.({ ms: performance.now() - t });
  } else if (m?.op === 'apply') {
    // one status transition, timed here (no IPC in the measurement)
    const t = performance.now();
    const r = await s.rooms.apply(m.room, m.cause, 'bench');
    process.send?.({ ms: performance.now() - t, kind: r.kind });
  } else if (m?.op === 'outbox') {
    const [c] = await z.db.query(
      `SELECT count(*) FILTER (WHERE kind = 'delivery')::int AS deliveries, count(*) FILTER (WHERE kind = 'fanout' AND state = 'pending')::int AS fanouts FROM reminder_outbox WHERE room_id = $1`,
      [m.room],
    );
    process.send?.(c);
  } else if (m === 'stop') {
    await z.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
