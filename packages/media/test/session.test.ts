import { afterEach, describe, expect, it } from 'vitest';
import { commandMessage, controlMessages, MSG, type AuthorizeRequest } from '../src/index.js';
import { startMedia, waitFor, type TestMedia } from './helpers.js';
import { TestRtmpClient } from './rtmp-client.js';

let t: TestMedia | undefined;
const clients: TestRtmpClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.close();
  t = undefined;
});

function client(port: number): TestRtmpClient {
  const c = new TestRtmpClient(port);
  clients.push(c);
  return c;
}

describe('RTMP session commands', () => {
  it('connect is answered with Window Ack Size, Set Peer Bandwidth, Set Chunk Size and _result NetConnection.Connect.Success', async () => {
    t = await startMedia();
    const c = client(t.port);
    await c.handshake();
    await c.command('connect', { app: 'live', tcUrl: 'rtmp://127.0.0.1/live' });
    await waitFor(() => c.commands.length > 0, { what: '_result' });
    // (Set Chunk Size is applied inside the client's chunk reader, so it is not in `received`.)
    expect(c.received.map(([type]) => type).slice(0, 3)).toEqual([MSG.WindowAckSize, MSG.SetPeerBandwidth, MSG.CommandAmf0]);
    expect(c.inChunkSize).toBe(4096);
    const [name, txn, , info] = c.commands[0]!;
    expect([name, txn]).toEqual(['_result', 1]);
    expect(info).toMatchObject({ level: 'status', code: 'NetConnection.Connect.Success' });
  });

  it('OBS style (server rtmp://HOST/live, key "ROOMID?key=SECRET") and a query on the app both reach authorizePublish', async () => {
    const seen: AuthorizeRequest[] = [];
    t = await startMedia({ authorizePublish: async (r) => (seen.push(r), { ok: true, streamId: r.streamName }) });
    expect(await client(t.port).publish('live', '42?key=abc&x=1')).toBe('NetStream.Publish.Start');
    expect(await client(t.port).publish('live?key=fromapp', '43')).toBe('NetStream.Publish.Start');
    expect(seen.map(({ app, streamName, query }) => ({ app, streamName, query }))).toEqual([
      { app: 'live', streamName: '42', query: { key: 'abc', x: '1' } },
      { app: 'live', streamName: '43', query: { key: 'fromapp' } },
    ]);
    expect(seen[0]!.remoteAddress).toBe('127.0.0.1');
    expect(t.media.liveStreams().sort()).toEqual(['42', '43']);
  });

  it('a refusal is an onStatus error with the reason as description, then the connection closes', async () => {
    t = await startMedia({
      authorizePublish: async () => ({ ok: false, reason: 'room 5: wrong stream key', code: 'NetStream.Publish.Unauthorized' }),
    });
    const c = client(t.port);
    expect(await c.publish('live', '5?key=nope')).toBe('NetStream.Publish.Unauthorized');
    expect(c.commands.find((x) => x[0] === 'onStatus')?.[3]).toMatchObject({ level: 'error', description: 'room 5: wrong stream key' });
    await waitFor(() => c.closed, { what: 'closed after refusal' });
    expect(t.logs.filter((l) => l.includes('publish refused') && l.includes('wrong stream key'))).toHaveLength(1);
  });

  it('an authorizePublish that throws refuses the publisher and the server keeps running', async () => {
    t = await startMedia({
      authorizePublish: async () => {
        throw new Error('db down');
      },
    });
    const c = client(t.port);
    expect(await c.publish('live', '5?key=x')).toBe('NetStream.Publish.BadName');
    expect(t.logs.some((l) => l.startsWith('error') && l.includes('db down'))).toBe(true);
  });

  it('deleteStream ends publishing with publishStop reason deleteStream', async () => {
    t = await startMedia();
    const c = client(t.port);
    expect(await c.publish('live', 'd1?key=secret')).toBe('NetStream.Publish.Start');
    c.send(commandMessage(0, 'deleteStream', 9, null, 1));
    const stop = await waitFor(() => t!.events.publishStop[0], { what: 'publishStop' });
    expect(stop).toMatchObject({ streamId: 'd1', reason: 'deleteStream' });
  });

  it('Acknowledgements follow the window size the peer announces', async () => {
    t = await startMedia();
    const c = client(t.port);
    expect(await c.publish('live', 'a1?key=secret')).toBe('NetStream.Publish.Start');
    c.send(controlMessages.windowAckSize(20_000));
    for (let i = 0; i < 20; i++) c.socket.write(c.video(i * 40, 5000, i === 0));
    // One Acknowledgement per read that crosses the window; its value is the total byte count received.
    const acks = () => c.received.filter(([type]) => type === MSG.Acknowledgement).map(([, p]) => p.readUInt32BE(0));
    await waitFor(() => (acks().at(-1) ?? 0) >= 100_000 - 20_000, { what: 'ack of the last window' });
    expect(acks().length).toBeGreaterThanOrEqual(2);
    expect(acks().every((v, i, a) => i === 0 || v > a[i - 1]!)).toBe(true);
  });

  it('an idle connection that never completes the handshake is closed after idleTimeoutMs', async () => {
    t = await startMedia({ idleTimeoutMs: 300 });
    const c = client(t.port);
    await waitFor(() => t!.media.connectionCount === 1, { what: 'connected' });
    c.socket.write(Buffer.from([3, 1, 2, 3])); // C0 and a few bytes of C1, then silence
    await waitFor(() => c.closed, { what: 'idle close', timeoutMs: 3000 });
    expect(t.media.connectionCount).toBe(0);
  });
});
