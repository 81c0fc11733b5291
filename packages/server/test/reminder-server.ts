/**
 * TEST-ONLY entry (issue 6 crash test): the real server (createZhibo + listen, config from the
 * environment like `zhibo serve`) in a child process the test can SIGKILL. Run with
 * `node --import tsx packages/server/test/reminder-server.ts DATA_DIR`; the parent drives it over
 * IPC: setup (app, room, K subscriptions in bulk), go-live, and reads of the outbox.
 */
import { TransitionCause } from '@zhibo/protocol';
import { loadConfig } from '../src/app/config.js';
import { solidPng } from '../src/app/demo.js';
import { createZhibo } from '../src/app/zhibo.js';

type Msg =
  | { id: number; cmd: 'setup'; k: number; webhookUrl: string }
  | { id: number; cmd: 'golive'; roomId: number }
  | { id: number; cmd: 'report'; roomId: number };

const dataDir = process.argv[2];
if (!dataDir || !process.send) throw new Error('usage: fork(reminder-server.ts, [DATA_DIR]) with an IPC channel');
const z = await createZhibo(loadConfig(process.env, { http: '127.0.0.1:0', rtmp: '127.0.0.1:0', dataDir }));
const urls = await z.listen();
const s = z.services;

async function handle(m: Msg): Promise<unknown> {
  if (m.cmd === 'setup') {
    const { appid, appsecret } = await s.apps.create('Crash shop');
    await s.apps.updateSettings(appid, { reminders: { webhookUrl: m.webhookUrl, webpush: false, inPage: false } });
    const img = await s.images.upload(appid, solidPng(64, 64, [200, 30, 30]));
    const now = Math.floor(Date.now() / 1000);
    const roomId = await s.rooms.create(appid, {
      name: '压测直播间',
      coverImg: img.media_id,
      shareImg: img.media_id,
      startTime: now + 600,
      endTime: now + 7200,
      anchorName: '主播',
      type: 1,
      screenType: 0,
    });
    const added = await s.reminders.bulkSubscribe(
      roomId,
      Array.from({ length: m.k }, (_, i) => `o-crash-viewer-${String(i).padStart(6, '0')}`),
    );
    return { appid, appsecret, roomId, added };
  }
  if (m.cmd === 'golive') {
    const t0 = performance.now();
    const r = await s.rooms.apply(m.roomId, TransitionCause.PublishStarted, 'test');
    return { kind: r.kind, ms: performance.now() - t0 };
  }
  const states = await z.db.query<{ state: string; n: number }>(
    "SELECT state, count(*)::int AS n FROM reminder_outbox WHERE room_id = $1 AND kind = 'delivery' GROUP BY state",
    [m.roomId],
  );
  const keys = await z.db.query<{ idempotency_key: string }>(
    "SELECT idempotency_key FROM reminder_outbox WHERE room_id = $1 AND kind = 'delivery'",
    [m.roomId],
  );
  const twice = await z.db.query<{ outbox_id: number; n: number }>(
    `SELECT a.outbox_id, count(*)::int AS n FROM reminder_attempts a JOIN reminder_outbox o ON o.id = a.outbox_id
     WHERE o.room_id = $1 AND a.status_code BETWEEN 200 AND 299 GROUP BY a.outbox_id HAVING count(*) > 1`,
    [m.roomId],
  );
  const reclaimed = await z.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM reminder_outbox WHERE room_id = $1 AND kind = 'delivery' AND attempts > 1",
    [m.roomId],
  );
  return {
    states: Object.fromEntries(states.map((r) => [r.state, r.n])),
    keys: keys.map((k) => k.idempotency_key),
    twice2xx: twice.length,
    reclaimed: reclaimed[0]?.n ?? 0,
  };
}

process.on('message', (m: Msg) => {
  handle(m).then(
    (result) => process.send!({ id: m.id, result }),
    (e: unknown) => process.send!({ id: m.id, error: (e as Error).message }),
  );
});
process.on('SIGTERM', () => void z.close().then(() => process.exit(0)));
process.send({ ready: true, url: urls.http });
