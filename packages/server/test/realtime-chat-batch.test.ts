/**
 * `chat_batch` (issue 13) on the embedded default: a client that says `chatBatch: true` gets at most one chat frame per
 * tick holding up to the room's display cap (the rest counted as skipped, still stored); an old client keeps getting
 * one `chat` per comment, as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '@zhibo/testkit';
import { merchant, startServer, type TestServer } from './helpers.js';
import { Viewer } from './realtime-helpers.js';

describe('chat_batch on the embedded default', () => {
  let t: TestServer;
  let m: Awaited<ReturnType<typeof merchant>>;
  const open: Viewer[] = [];
  beforeAll(async () => {
    t = await startServer();
    m = await merchant(t);
    // one sender may say 12 things at once; 5 shown per tick; a long tick so all 12 land in one
    t.z.services.realtime.configure({ chatBurst: 100, chatDisplayPerTick: 5, tickMs: 1000 });
  });
  afterAll(async () => {
    for (const v of open) v.close();
    await t.cleanup();
  });

  it('a chatBatch client gets one chat_batch per tick with up to the display cap; an old client gets every chat; all are stored', async () => {
    const room = await m.room();
    const sender = (await Viewer.join(t.url, room)).v;
    const batched = (await Viewer.join(t.url, room, { chatBatch: true })).v;
    const old = (await Viewer.join(t.url, room)).v;
    open.push(sender, batched, old);
    await waitUntil(() => batched.all('viewers').at(-1)?.count === 3, { what: 'three viewers' });
    const texts = Array.from({ length: 12 }, (_, i) => `comment ${i}`);
    for (const text of texts) sender.send({ type: 'chat', text });
    await waitUntil(() => old.all('chat').length === 12, { what: 'every comment to the old client' });
    expect(old.all('chat').map((c) => c.text)).toEqual(texts);
    expect(old.all('chat_batch')).toHaveLength(0);
    const frames = await waitUntil(
      () => {
        const b = batched.all('chat_batch');
        const seen = b.reduce((n, f) => n + f.comments.length + f.skipped, 0);
        return seen === 12 ? b : undefined;
      },
      { what: 'the batch frames' },
    );
    expect(batched.all('chat')).toHaveLength(0);
    for (const f of frames) expect(f.comments.length).toBeLessThanOrEqual(5);
    // the newest comments are the ones shown; the others are counted
    expect(frames.at(-1)!.comments.at(-1)!.text).toBe('comment 11');
    expect(frames.reduce((n, f) => n + f.skipped, 0)).toBe(12 - frames.reduce((n, f) => n + f.comments.length, 0));
    expect(frames.length).toBeLessThanOrEqual(3); // one per tick (1 s ticks here)
    await waitUntil(async () => (await t.z.services.interaction.stats(m.appid, room)).comments === 12, { what: 'every comment stored' });
  });
});
