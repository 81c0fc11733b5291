import { describe, expect, it } from 'vitest';
import { isPluginRoomLink, merchantPageUrl, parseRoomLink, pluginRoomLink, resolveLink, roomLinkFromQuery, roomPageUrl } from './links.js';
import { backToLive } from './back-to-live.js';
import { navigateTo } from './navigate.js';

const CP = encodeURIComponent(JSON.stringify({ path: 'pages/index/index', pid: 1 }));
const SERVER = 'https://live.example.com';

describe('room links (S-PLAYER-1, S-PARAMS, S-ENTRY)', () => {
  it("S-PLAYER-1: parseRoomLink reads the seed's plugin-private form with room_id and custom_params", () => {
    const url = `plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=6209&custom_params=${CP}`;
    expect(isPluginRoomLink(url)).toBe(true);
    expect(parseRoomLink(url)).toEqual({ room_id: 6209, custom_params: '{"path":"pages/index/index","pid":1}' });
  });

  it('S-ENTRY-1/-2, S-PARAMS-1: type=9/10, share scenes and close_share_ticket are kept; junk is dropped', () => {
    expect(parseRoomLink('plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=7&type=9')).toEqual({ room_id: 7, type: 9 });
    expect(parseRoomLink('plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=7&type=10&close_share_ticket=1')).toEqual({
      room_id: 7,
      type: 10,
      close_share_ticket: true,
    });
    expect(roomLinkFromQuery('room_id=7&scene=1044&share_openid=oABC_def-123&share_sig=sig_1')).toEqual({
      room_id: 7,
      scene: 1044,
      share_openid: 'oABC_def-123',
      share_sig: 'sig_1',
    });
    expect(roomLinkFromQuery('room_id=7&type=3&scene=1001&share_openid=<script>')).toEqual({ room_id: 7 });
    expect(parseRoomLink('plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=abc')).toBeUndefined();
    expect(parseRoomLink('plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin')).toBeUndefined();
    expect(parseRoomLink('https://shop.example.com/pages/index?room_id=7')).toBeUndefined();
  });

  it('S-PLAYER-1: a plugin link becomes our room page URL and back', () => {
    const page = resolveLink(
      SERVER,
      `plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=6209&custom_params=${CP}&type=9`,
    );
    expect(page).toBe(`${SERVER}/room/?room_id=6209&custom_params=${CP}&type=9`);
    expect(parseRoomLink(page)).toEqual({ room_id: 6209, custom_params: '{"path":"pages/index/index","pid":1}', type: 9 });
    expect(pluginRoomLink(6209, { path: 'pages/index/index', pid: 1 })).toBe(
      `plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=6209&custom_params=${CP}`,
    );
    expect(roomPageUrl(`${SERVER}/`, { room_id: 5, scene: 1007, share_openid: 'oX', share_sig: 's' })).toBe(
      `${SERVER}/room/?room_id=5&scene=1007&share_openid=oX&share_sig=s`,
    );
    expect(resolveLink(SERVER, 'https://shop.example.com/x')).toBe('https://shop.example.com/x');
    expect(() => resolveLink(SERVER, 'plugin-private://wx2b03c6e691cd7370/components/subscribe/subscribe')).toThrow(/not a live room link/);
  });

  it('S-PARAMS-2: merchant pages get room_id, openid, share_openid (share entries only) and custom_params', () => {
    const u = new URL(
      merchantPageUrl('https://shop.example.com/m', 'pages/goods/detail?id=1', {
        room_id: 5,
        openid: 'oViewer',
        share_openid: 'oSharer',
        share_sig: 'sig',
        custom_params: '{"pid":1}',
      }),
    );
    expect(u.origin + u.pathname).toBe('https://shop.example.com/m/pages/goods/detail');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      id: '1',
      room_id: '5',
      openid: 'oViewer',
      share_openid: 'oSharer',
      share_sig: 'sig',
      custom_params: '{"pid":1}',
    });
    const plain = new URL(merchantPageUrl('https://shop.example.com/', '', { room_id: 5, openid: 'oViewer' }));
    expect(Object.fromEntries(plain.searchParams)).toEqual({ room_id: '5', openid: 'oViewer' });
    expect(merchantPageUrl('https://shop.example.com/', 'https://other.example.com/p?x=1', { room_id: 1, openid: 'o' })).toBe(
      'https://other.example.com/p?x=1&room_id=1&openid=o',
    );
  });

  it('merchantPageUrl refuses to build anything but an http(s) URL, whatever the server stored', () => {
    const p = { room_id: 1, openid: 'o' };
    for (const path of [
      'javascript:alert(1)//',
      'JAVASCRIPT:alert(1)',
      'java\tscript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      'blob:https://a/b',
    ])
      expect(() => merchantPageUrl('https://shop.example.com/', path, p), path).toThrow(TypeError);
    expect(() => merchantPageUrl('javascript:alert(1)//', '', p)).toThrow(TypeError);
    expect(merchantPageUrl('https://shop.example.com/', 'pages/a?id=1', p)).toBe(
      'https://shop.example.com/pages/a?id=1&room_id=1&openid=o',
    );
  });

  it('navigateTo: a plugin link opens the room page (WeChat-style callbacks and a promise); junk fails', async () => {
    const opened: string[] = [];
    const calls: string[] = [];
    const r = await navigateTo(
      () => SERVER,
      (u) => opened.push(u),
      {
        url: 'plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=42&custom_params=%7B%7D',
        success: () => calls.push('success'),
        complete: () => calls.push('complete'),
      },
    );
    expect(r.errMsg).toBe('navigateTo:ok');
    expect(opened).toEqual([`${SERVER}/room/?room_id=42&custom_params=%7B%7D`]);
    expect(calls).toEqual(['success', 'complete']);
    await expect(
      navigateTo(
        () => SERVER,
        () => undefined,
        { url: 'plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=x' },
      ),
    ).rejects.toMatchObject({ errMsg: expect.stringMatching(/^navigateTo:fail/) });
  });

  it('S-GOODS-BACK: back to live uses history.back() when the referrer is this room page, else opens the room', () => {
    const log: string[] = [];
    const env = (referrer: string) => ({
      server: () => SERVER,
      search: `?id=1&room_id=42&openid=oV&custom_params=${CP}`,
      referrer,
      historyLength: 3,
      back: () => log.push('back'),
      assign: (u: string) => log.push(u),
    });
    const fromRoom = backToLive(env(`${SERVER}/room/?room_id=42&custom_params=${CP}`))!;
    expect(fromRoom.fromRoom).toBe(true);
    fromRoom.go();
    const elsewhere = backToLive(env('https://search.example.com/'))!;
    expect(elsewhere.fromRoom).toBe(false);
    elsewhere.go();
    expect(log).toEqual(['back', `${SERVER}/room/?room_id=42&custom_params=${CP}`]);
    expect(backToLive({ ...env(''), search: '?id=1' })).toBeUndefined();
  });
});
