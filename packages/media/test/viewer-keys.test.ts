/**
 * Viewer counting by viewer key: connections of one key (device id / openid / client IP, passed by
 * the host) are one viewer; keyless connections count one each; an optional per-key cap.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flvClient, startFlvHttp, startMedia, waitFor, type TestMedia } from './helpers.js';
import { TestRtmpClient } from './rtmp-client.js';

let t: TestMedia | undefined;
const cleanups: (() => void | Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await t?.close();
  t = undefined;
});

/** A scripted publisher on `stream` that has sent one keyframe. */
async function live(m: TestMedia, stream: string): Promise<TestRtmpClient> {
  const c = new TestRtmpClient(m.port);
  cleanups.push(() => c.close());
  expect(await c.publish('live', `${stream}?key=secret`)).toBe('NetStream.Publish.Start');
  c.socket.write(c.video(0, 1000, true));
  await waitFor(() => m.media.hub(stream)?.stats().gopTags, { what: 'keyframe cached' });
  return c;
}

async function viewers(urls: string[]): Promise<Awaited<ReturnType<typeof flvClient>>[]> {
  const out = await Promise.all(urls.map((u) => flvClient(u)));
  cleanups.push(() => out.forEach((v) => v.socket.destroy()));
  return out;
}

const lastEvent = (m: TestMedia, stream: string) => m.events.viewerCount.filter((e) => e.streamId === stream).at(-1);

describe('viewer counting by viewerKey', () => {
  it('300 HTTP-FLV connections from 3 viewer keys count as 3 viewers (300 connections); 300 more without a key add 300', async () => {
    t = await startMedia({ viewerCountIntervalMs: 50 });
    const http = await startFlvHttp(t.media);
    cleanups.push(() => http.close());
    await live(t, 'k1');
    await viewers(Array.from({ length: 300 }, (_, i) => http.url('k1', `device-${i % 3}`)));
    await waitFor(() => lastEvent(t!, 'k1')?.connections === 300, { what: 'viewerCount event with 300 connections' });
    expect(lastEvent(t, 'k1')).toEqual({ streamId: 'k1', count: 3, peak: 3, connections: 300 });
    expect(t.media.viewerCount('k1')).toBe(3);

    await viewers(Array.from({ length: 300 }, () => http.url('k1')));
    await waitFor(() => lastEvent(t!, 'k1')?.connections === 600, { what: '600 connections' });
    expect(lastEvent(t, 'k1')).toMatchObject({ count: 303, peak: 303 });
    expect(t.media.viewerConnections('k1')).toBe(600);
  });

  it('connections of one key leaving one by one keep it counted until the last one goes; peak keeps the highest count', async () => {
    t = await startMedia({ viewerCountIntervalMs: 50 });
    const http = await startFlvHttp(t.media);
    cleanups.push(() => http.close());
    await live(t, 'k2');
    const vs = await viewers([http.url('k2', 'openid-a'), http.url('k2', 'openid-a'), http.url('k2', 'openid-b')]);
    await waitFor(() => t!.media.viewerConnections('k2') === 3, { what: '3 connections' });
    expect(t.media.viewerCount('k2')).toBe(2);
    vs[0]!.socket.destroy();
    await waitFor(() => t!.media.viewerConnections('k2') === 2, { what: 'one of openid-a left' });
    expect(t.media.viewerCount('k2')).toBe(2);
    vs[1]!.socket.destroy();
    vs[2]!.socket.destroy();
    await waitFor(() => lastEvent(t!, 'k2')?.connections === 0, { what: 'all gone' });
    expect(lastEvent(t, 'k2')).toMatchObject({ count: 0, peak: 2 });
  });

  it('waiting viewers (no publisher yet) are counted by key too', async () => {
    t = await startMedia({ viewerCountIntervalMs: 50 });
    const http = await startFlvHttp(t.media);
    cleanups.push(() => http.close());
    await viewers([http.url('k3', '1.2.3.4'), http.url('k3', '1.2.3.4'), http.url('k3')]);
    await waitFor(() => t!.media.viewerConnections('k3') === 3, { what: '3 waiting connections' });
    expect(t.media.viewerCount('k3')).toBe(2);
  });

  it("maxViewerConnectionsPerKey 2: a third connection of one key closes that key's oldest; other keys are untouched; the newest play", async () => {
    t = await startMedia({ viewerCountIntervalMs: 50, maxViewerConnectionsPerKey: 2 });
    const http = await startFlvHttp(t.media);
    cleanups.push(() => http.close());
    const pub = await live(t, 'k4');
    const [other] = await viewers([http.url('k4', 'dev2')]);
    const same: Awaited<ReturnType<typeof flvClient>>[] = [];
    for (let i = 0; i < 3; i++) {
      same.push(...(await viewers([http.url('k4', 'dev1')])));
      await waitFor(() => t!.media.viewerConnections('k4') === Math.min(i + 2, 3) && same[i]!.flv.keyframes > 0, {
        what: `dev1 connection ${i + 1} playing`,
      });
    }
    let closed = false;
    same[0]!.socket.on('close', () => (closed = true));
    await waitFor(() => closed || same[0]!.socket.destroyed, { what: 'oldest dev1 connection closed' });
    expect(t.media.viewerConnections('k4')).toBe(3);
    expect(t.media.viewerCount('k4')).toBe(2);
    pub.socket.write(pub.video(40, 1000, true));
    await waitFor(() => same[2]!.flv.keyframes > 1 && same[1]!.flv.keyframes > 1 && other!.flv.keyframes > 1, {
      what: 'the others get the next keyframe',
    });
    expect(other!.socket.destroyed).toBe(false);
  });

  it('attachViewer maxPerKey overrides the cap for one call: a key with cap 5 keeps 5 connections while the default cap is 2', async () => {
    t = await startMedia({ viewerCountIntervalMs: 50, maxViewerConnectionsPerKey: 2 });
    const http = await startFlvHttp(t.media);
    cleanups.push(() => http.close());
    await live(t, 'k5');
    await viewers(Array.from({ length: 7 }, () => `${http.url('k5', '10.0.0.1')}&cap=5`));
    await viewers(Array.from({ length: 4 }, () => http.url('k5', 'dev1')));
    await waitFor(() => t!.media.viewerConnections('k5') === 7, { what: '5 + 2 connections left' });
    expect(t.media.viewerCount('k5')).toBe(2);
  });
});
