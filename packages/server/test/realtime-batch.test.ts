/**
 * Issue 10 (Medium 5): one hostile viewer must not wipe other viewers' interaction data. Control characters are
 * stripped at the protocol edge (hello), and a batch that fails anyway is written again per kind and per row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntryKind } from '@zhibo/protocol';
import { testDbKinds, waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';
import { Viewer } from './realtime-helpers.js';

describe.each(testDbKinds())('realtime batched writes on %s', (kind) => {
  let t: TestServer;
  let m: Awaited<ReturnType<typeof merchant>>;
  const open: Viewer[] = [];
  const join = async (roomId: number, extra = {}) => {
    const r = await Viewer.join(t.url, roomId, extra);
    open.push(r.v);
    return r;
  };

  beforeAll(async () => {
    t = await startServer(kind);
    m = await merchant(t);
    // No tick flushes on their own: every write below lands in the same batch.
    t.z.services.realtime.configure({ tickMs: 3_600_000 });
  });
  afterAll(async () => {
    for (const v of open) v.close();
    await t.cleanup();
  });

  it('a NUL in hello.entry.custom_params or resume.session drops nothing: every room keeps its likes and entries', async () => {
    const a = await m.room();
    const b = await m.room({ name: '另一个直播间' });
    const { v: va } = await join(a, { entry: { custom_params: '{"from":"a"}' } });
    const { v: vb } = await join(b, { entry: { scene: 1007, custom_params: '{"from":"b"}' } });
    va.send({ type: 'like', count: 5 });
    vb.send({ type: 'like', count: 7 });
    // The hostile viewer: NUL in custom_params, and a resumed session id with a NUL.
    const { welcome: w1 } = await join(a, { entry: { custom_params: 'x\u0000y' } });
    const { welcome: w2 } = await join(b, { resume: { lastSeq: 0, session: 'ab\u0000cd' } });
    const gw = t.z.services.realtime;
    await waitUntil(() => gw.channels.get(a)?.likesDelta === 5 && gw.channels.get(b)?.likesDelta === 7, {
      timeoutMs: 5000,
      what: 'likes counted',
    });
    gw.flushRoom(b);
    const sa = await t.z.services.interaction.stats(m.appid, a);
    const sb = await t.z.services.interaction.stats(m.appid, b);
    expect(sa.likes).toBe(5);
    expect(sb.likes).toBe(7);
    expect(sa.entries.direct).toBe(2);
    expect(sb.entries.share_1007 + sb.entries.direct).toBe(2);
    const rows = await t.z.db.query<{ room_id: number; custom_params: string; session: string }>(
      'SELECT room_id, custom_params, session FROM room_entries WHERE room_id = ANY($1::int[])',
      [[a, b]],
    );
    const params = (room: number) =>
      rows
        .filter((r) => r.room_id === room)
        .map((r) => r.custom_params)
        .sort();
    expect(params(a)).toEqual(['xy', '{"from":"a"}']);
    expect(params(b)).toEqual(['', '{"from":"b"}']);
    expect(rows.every((r) => !r.session.includes('\u0000'))).toBe(true);
    expect(w1.session).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(w2.session).toBe('abcd');
  });

  it('a batch that fails anyway is written per kind and per row: only the bad row is lost', async () => {
    const a = await m.room();
    const { v } = await join(a);
    v.send({ type: 'like', count: 3 });
    v.send({ type: 'chat', text: 'hello' });
    const gw = t.z.services.realtime;
    await waitUntil(() => gw.channels.get(a)?.likesDelta === 3 && gw.channels.get(a)!.comments.length === 1, {
      timeoutMs: 5000,
      what: 'like and chat',
    });
    // A row no hello can produce any more (the edge strips it): the store must still contain the damage.
    const store = gw.deps.store;
    store.queueEntry({
      roomId: a,
      openid: 'o-bad',
      session: 's\u0000',
      kind: EntryKind.Direct,
      shareOpenid: null,
      customParams: 'bad\u0000',
      at: t.clock.now(),
    });
    store.queueEntry({
      roomId: a,
      openid: 'o-good-1234567890123456789012',
      session: 'later',
      kind: EntryKind.Direct,
      shareOpenid: null,
      customParams: 'fine',
      at: t.clock.now(),
    });
    const s = await t.z.services.interaction.stats(m.appid, a);
    expect(s.likes).toBe(3);
    expect(s.comments).toBe(1);
    expect(s.entries.direct).toBe(2); // the viewer's own entry and the good queued row
    const rows = await t.z.db.query<{ custom_params: string }>('SELECT custom_params FROM room_entries WHERE room_id = $1', [a]);
    expect(rows.map((r) => r.custom_params).sort()).toEqual(['', 'fine']);
  });

  it('control characters in nick and custom_params are stripped, not stored', async () => {
    const a = await m.room();
    const { welcome } = await join(a, { nick: 'a\u0007b\u202ec', entry: { custom_params: '\u0001p\u007f' } });
    expect(welcome.nick).toBe('abc');
    const s = await t.z.services.interaction.stats(m.appid, a);
    expect(s.entries.direct).toBe(1);
    const [row] = await t.z.db.query<{ custom_params: string }>('SELECT custom_params FROM room_entries WHERE room_id = $1', [a]);
    expect(row?.custom_params).toBe('p');
  });
});
