/** The console API behind the Members screens: assistants, sub-anchor, switches, roles — ownership and field errors. */
import { afterEach, describe, expect, it } from 'vitest';
import { testDbKinds } from '@zhibo/testkit';
import { png, startServer, type TestServer } from './helpers.js';
import { roomForm, signedInMerchant } from './console-helpers.js';

describe.each(testDbKinds())('console members API on %s', (kind) => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('a merchant manages its room’s assistants, sub-anchor and switches, with messages next to the field; another merchant gets 404', async () => {
    t = await startServer(kind);
    const { c, appid } = await signedInMerchant(t, 'teahouse');
    const img = (await c.upload(appid, 'coverImg', png(108, 192))).body.mediaId as string;
    const room = (await c.post(`/apps/${appid}/rooms`, roomForm(t, img, { anchorWechat: 'wx_anchor' }))).body.id as number;
    expect((await c.post(`/rooms/${room}/assistants`, { username: 'wx_helper', nickname: '小助手' })).status).toBe(200);
    const dup = await c.post(`/rooms/${room}/assistants`, { username: 'wx_helper', nickname: '又一个' });
    expect(dup).toMatchObject({
      status: 409,
      body: { error: 'assistant_exists', fields: { username: expect.stringMatching(/already an assistant/) as string } },
    });
    expect((await c.post(`/rooms/${room}/assistants`, { username: 'wx_helper2' })).body).toMatchObject({
      error: 'param_missing',
      fields: { nickname: 'Parameter nickname must no be null' },
    });
    expect((await c.put(`/rooms/${room}/subanchor`, { username: 'wx_anchor' })).body).toMatchObject({ error: 'sub_anchor_is_anchor' });
    expect((await c.put(`/rooms/${room}/subanchor`, { username: 'wx_sub' })).status).toBe(200);
    const first = (await c.get(`/rooms/${room}/members`)).body as {
      subAnchor: { username: string; pushUrl: string };
      assistants: Array<{ username: string }>;
    };
    expect(first.assistants.map((a) => a.username)).toEqual(['wx_helper']);
    expect(first.subAnchor.username).toBe('wx_sub');
    expect((await c.put(`/rooms/${room}/subanchor`, { username: 'wx_sub2' })).status).toBe(200);
    const second = (await c.get(`/rooms/${room}/members`)).body as { subAnchor: { pushUrl: string } };
    expect(second.subAnchor.pushUrl).not.toBe(first.subAnchor.pushUrl);
    expect((await c.put(`/rooms/${room}/subanchor`, { username: '' })).status).toBe(200);
    expect((await c.get(`/rooms/${room}/members`)).body).toMatchObject({
      subAnchor: null,
      switches: { isFeedsPublic: 1, closeReplay: 0, closeKf: 1 },
    });
    // customer service needs the app's URL first
    expect((await c.post(`/rooms/${room}/switches`, { closeKf: 0 })).body).toMatchObject({
      error: 'bad_parameter',
      fields: { closeKf: 'Set a customer-service URL in the app settings first' },
    });
    expect((await c.put(`/apps/${appid}/settings`, { kfUrl: 'javascript:alert(1)' })).status).toBe(400);
    expect(
      (
        await c.put(`/apps/${appid}/settings`, {
          kfUrl: 'https://shop.example.com/help',
          compat: 'current',
          roleChecks: false,
          feedsPublic: true,
        })
      ).status,
    ).toBe(200);
    expect((await c.get(`/apps/${appid}`)).body).toMatchObject({
      settings: { kfUrl: 'https://shop.example.com/help', compat: 'current', roleChecks: false, feedsPublic: true },
    });
    expect((await c.post(`/rooms/${room}/switches`, { closeKf: 0, closeReplay: 1, isFeedsPublic: 0 })).status).toBe(200);
    expect((await c.get(`/rooms/${room}/members`)).body).toMatchObject({ switches: { isFeedsPublic: 0, closeReplay: 1, closeKf: 0 } });
    expect((await c.post(`/rooms/${room}/switches`, { closeReplay: 2 })).status).toBe(400);
    const { c: other } = await signedInMerchant(t, 'stranger');
    expect((await other.get(`/rooms/${room}/members`)).status).toBe(404);
    expect((await other.put(`/rooms/${room}/subanchor`, { username: 'wx_sub' })).status).toBe(404);
    expect((await other.post(`/rooms/${room}/switches`, { closeReplay: 0 })).status).toBe(404);
    expect((await c.post(`/rooms/${room}/assistants/wx_helper/delete`)).status).toBe(200);
    expect((await c.post(`/rooms/${room}/assistants/wx_helper/delete`)).status).toBe(404);
  });

  it('a merchant adds, lists and removes roles; duplicates, bad ids and other merchants’ apps are refused', async () => {
    t = await startServer(kind);
    const { c, appid } = await signedInMerchant(t, 'teahouse');
    expect((await c.post(`/apps/${appid}/roles`, { username: 'wx_anchor', role: 2 })).status).toBe(200);
    expect((await c.post(`/apps/${appid}/roles`, { username: 'wx_anchor', role: 2 })).body).toMatchObject({ error: 'role_duplicate' });
    expect((await c.post(`/apps/${appid}/roles`, { username: 'x', role: 2 })).body).toMatchObject({
      error: 'member_id_invalid',
      fields: { username: expect.any(String) as string },
    });
    expect((await c.get(`/apps/${appid}/roles`)).body).toMatchObject({ total: 1, list: [{ username: 'wx_anchor', roleList: [2] }] });
    const { c: other } = await signedInMerchant(t, 'stranger');
    expect((await other.get(`/apps/${appid}/roles`)).status).toBe(404);
    expect((await other.post(`/apps/${appid}/roles`, { username: 'wx_evil1', role: 1 })).status).toBe(404);
    expect((await c.post(`/apps/${appid}/roles/delete`, { username: 'wx_anchor', role: 2 })).status).toBe(200);
    expect((await c.get(`/apps/${appid}/roles`)).body).toMatchObject({ total: 0 });
  });
});
