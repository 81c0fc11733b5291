import { afterEach, describe, expect, it } from 'vitest';
import { ffprobeStreams, killSpawned, startFlvHttp, startMedia, waitFor, type TestMedia } from './helpers.js';
import { whipPush, type WhipPush } from './whip-client.js';

const WHIP = { bindAddress: '127.0.0.1' };
let t: TestMedia | undefined;
let http: Awaited<ReturnType<typeof startFlvHttp>> | undefined;
const pushes: WhipPush[] = [];

afterEach(async () => {
  for (const p of pushes.splice(0)) await p.vanish();
  await http?.close();
  await t?.close();
  await killSpawned();
  t = undefined;
  http = undefined;
});

describe('WHIP ingest (werift test publisher)', () => {
  it('a WHIP publisher becomes the stream publisher and HTTP-FLV viewers get h264 + aac', async () => {
    t = await startMedia({ whip: WHIP });
    http = await startFlvHttp(t.media);
    const p = await whipPush(http.whipUrl('12'));
    pushes.push(p);
    await waitFor(() => t!.events.publishStart.length === 1, { what: 'publishStart' });
    expect(t.events.publishStart[0]).toMatchObject({ streamId: '12', protocol: 'whip' });
    expect(await ffprobeStreams(http.url('12'))).toEqual(['aac', 'h264']);
    expect(await p.stop()).toBe(200);
    await waitFor(() => t!.events.publishStop.length === 1, { what: 'publishStop' });
    expect(t.events.publishStop[0]).toMatchObject({ streamId: '12', reason: 'deleted' });
  });
});
