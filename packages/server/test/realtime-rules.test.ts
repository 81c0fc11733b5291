/** Pure rules of the real-time channel: chat text, entry kinds, token bucket, frames. */
import { describe, expect, it } from 'vitest';
import { EntryKind, RealtimeErrorCode } from '@zhibo/protocol';
import { checkChatText, cleanNick, entryKindOf, parseRoomHello } from '../src/modules/realtime/rules.js';
import { TokenBucket } from '../src/lib/token-bucket.js';
import { framePayload, textFrame } from '../src/modules/realtime/frame.js';

describe('realtime rules', () => {
  it('S-PLAYER-2: chat text is plain text — controls stripped, trimmed, 1..200 code points, HTML untouched', () => {
    expect(checkChatText('  <b>hi</b> & <script>x</script> ')).toEqual({ ok: true, text: '<b>hi</b> & <script>x</script>' });
    expect(checkChatText('a\u0000\u001b[31mb\u007f\u0085\u202ec\u2066')).toEqual({ ok: true, text: 'a[31mbc' });
    expect(checkChatText('\u0000 \n\t')).toMatchObject({ ok: false, code: RealtimeErrorCode.Empty });
    expect(checkChatText('字'.repeat(200))).toMatchObject({ ok: true });
    expect(checkChatText('😀'.repeat(200))).toMatchObject({ ok: true }); // code points, not UTF-16 units
    expect(checkChatText('字'.repeat(201))).toMatchObject({ ok: false, code: RealtimeErrorCode.TooLong });
    expect(checkChatText(42)).toMatchObject({ ok: false, code: RealtimeErrorCode.BadMessage });
    expect(cleanNick(' 小明\u0000 ')).toBe('小明');
    expect(cleanNick('x'.repeat(40))).toHaveLength(24);
    expect(cleanNick('\u0000')).toBeUndefined();
  });

  it('S-ENTRY-3: entry kinds — code, article, share scenes, direct; an unverified share is direct', () => {
    expect(entryKindOf(undefined, false)).toBe(EntryKind.Direct);
    expect(entryKindOf({ type: 9, scene: 1007 }, false)).toBe(EntryKind.Code);
    expect(entryKindOf({ type: 10 }, false)).toBe(EntryKind.Article);
    expect(entryKindOf({ scene: 1007, share_openid: 'o1' }, true)).toBe(EntryKind.Share1007);
    expect(entryKindOf({ scene: 1008, share_openid: 'o1' }, false)).toBe(EntryKind.Direct);
    expect(entryKindOf({ scene: 1044 }, false)).toBe(EntryKind.Share1044);
  });

  it('hello parsing keeps what is usable and refuses what is not', () => {
    expect(parseRoomHello({ type: 'hello', v: 1, roomId: 3, sdkVersion: '1.0.4' }, 600)).toEqual({
      type: 'hello',
      v: 1,
      roomId: 3,
      sdkVersion: '1.0.4',
    });
    expect(parseRoomHello({ type: 'hello', v: 2, roomId: 3, sdkVersion: '1.0.4' }, 600)).toBeUndefined();
    expect(parseRoomHello({ type: 'hello', v: 1, roomId: '3', sdkVersion: '1.0.4' }, 600)).toBeUndefined();
    expect(parseRoomHello({ type: 'hello', v: 1, roomId: 3 }, 600)).toBeUndefined();
    const h = parseRoomHello(
      {
        type: 'hello',
        v: 1,
        roomId: 3,
        sdkVersion: '1',
        entry: { scene: 1, type: 9, custom_params: 'x'.repeat(601) },
        resume: { lastSeq: 'x' },
      },
      600,
    );
    expect(h?.entry).toEqual({ type: 9 });
    expect(h?.resume).toEqual({ lastSeq: 0 });
  });

  it('token bucket: capacity, refill over the window, partial grants', () => {
    // 5 tokens, refilled over 10 s (0.5 a second).
    const b = new TokenBucket(0.5, 5, 0);
    expect([1, 2, 3, 4, 5, 6].map(() => b.take(1, 0))).toEqual([1, 1, 1, 1, 1, 0]);
    expect(b.take(1, 2000)).toBe(1);
    expect(b.take(1, 2000)).toBe(0);
    expect(b.take(10, 100_000)).toBe(5);
  });

  it('text frames: header lengths 2/4/10 and an intact payload', () => {
    for (const n of [0, 125, 126, 65_535, 65_536, 100_000]) {
      const json = 'x'.repeat(n);
      const f = textFrame(json);
      expect(f[0]).toBe(0x81);
      expect(f.length - framePayload(f).length).toBe(n < 126 ? 2 : n < 65_536 ? 4 : 10);
      expect(framePayload(f).toString()).toBe(json);
    }
    expect(framePayload(textFrame('字')).toString()).toBe('字');
  });
});
