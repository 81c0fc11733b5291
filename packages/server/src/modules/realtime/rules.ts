/** Pure rules of the real-time channel: chat text, nicks, hello parsing, entry kinds. */
import { EntryKind, RealtimeErrorCode, RealtimeLimits, type EntryInfo, type RoomHello } from '@zhibo/protocol';

// C0, DEL, C1 controls and bidi overrides/isolates (they can reorder the text around a comment).
// eslint-disable-next-line no-control-regex
const STRIP = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export type ChatCheck = { ok: true; text: string } | { ok: false; code: RealtimeErrorCode; message: string };

/** Plain text only: control characters removed, trimmed, 1..chatMaxChars code points. HTML is not touched. */
export function checkChatText(raw: unknown, max: number = RealtimeLimits.chatMaxChars): ChatCheck {
  if (typeof raw !== 'string') return { ok: false, code: RealtimeErrorCode.BadMessage, message: 'chat text must be a string' };
  const text = raw.replace(STRIP, '').trim();
  if (!text) return { ok: false, code: RealtimeErrorCode.Empty, message: 'chat text is empty' };
  let n = 0;
  for (const _ of text)
    if (++n > max) return { ok: false, code: RealtimeErrorCode.TooLong, message: `chat text longer than ${max} characters` };
  return { ok: true, text };
}

/** A display nick: controls removed, trimmed, cut to nickMaxChars; empty → undefined. */
export function cleanNick(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const nick = [...raw.replace(STRIP, '').trim()].slice(0, RealtimeLimits.nickMaxChars).join('');
  return nick || undefined;
}

const ADJ = [
  '快乐',
  '安静',
  '勇敢',
  '温柔',
  '聪明',
  '可爱',
  '悠闲',
  '明亮',
  '爱笑',
  '好奇',
  '认真',
  '阳光',
  '淡定',
  '机灵',
  '热情',
  '优雅',
];
const NOUN = [
  '熊猫',
  '海豚',
  '松鼠',
  '小鹿',
  '企鹅',
  '星星',
  '竹子',
  '云朵',
  '茶花',
  '柠檬',
  '月亮',
  '小猫',
  '白鸽',
  '枫叶',
  '浪花',
  '麦穗',
];

/**
 * A viewer without a nick of their own gets a friendly name derived from their openid: the same in every room of the
 * app, in the chat and in the console (`快乐熊猫·3fA9`: a word pair and the openid's last four characters).
 */
export function defaultNick(openid: string): string {
  let h = 2166136261;
  for (const ch of openid) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `${ADJ[h % ADJ.length]}${NOUN[(h >>> 8) % NOUN.length]}·${openid.slice(-4)}`;
}

// C0, DEL and C1 controls: never stored (PostgreSQL text refuses NUL, and one bad row must not cost a batch).
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/** A string field of a hello: control characters removed, then 1..max UTF-16 units; anything else is dropped. */
const str = (v: unknown, max: number): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const s = v.replace(CONTROLS, '');
  return s.length > 0 && s.length <= max ? s : undefined;
};

/** Parse a room hello; undefined when it is not one. Unusable optional fields are dropped, not fatal. */
export function parseRoomHello(m: Record<string, unknown>, customParamsMax: number): RoomHello | undefined {
  if (m.type !== 'hello' || m.v !== 1) return undefined;
  const roomId = m.roomId;
  if (typeof roomId !== 'number' || !Number.isInteger(roomId) || roomId <= 0 || roomId > 2_147_483_647) return undefined;
  const sdkVersion = str(m.sdkVersion, 32);
  if (!sdkVersion) return undefined;
  const hello: RoomHello = { type: 'hello', v: 1, roomId, sdkVersion };
  const deviceId = str(m.deviceId, 64);
  if (deviceId) hello.deviceId = deviceId;
  const viewerToken = str(m.viewerToken, 2048);
  if (viewerToken) hello.viewerToken = viewerToken;
  const nick = str(m.nick, 64);
  if (nick) hello.nick = nick;
  if (m.chatBatch === true) hello.chatBatch = true;
  const e = m.entry;
  if (e && typeof e === 'object' && !Array.isArray(e)) {
    const r = e as Record<string, unknown>;
    const entry: EntryInfo = {};
    if (r.scene === 1007 || r.scene === 1008 || r.scene === 1044) entry.scene = r.scene;
    if (r.type === 9 || r.type === 10) entry.type = r.type;
    const so = str(r.share_openid, 64);
    if (so) entry.share_openid = so;
    const sig = str(r.share_sig, 64);
    if (sig) entry.share_sig = sig;
    const cp = str(r.custom_params, customParamsMax);
    if (cp) entry.custom_params = cp;
    hello.entry = entry;
  }
  const res = m.resume;
  if (res && typeof res === 'object' && !Array.isArray(res)) {
    const r = res as Record<string, unknown>;
    const lastSeq = typeof r.lastSeq === 'number' && Number.isFinite(r.lastSeq) ? r.lastSeq : 0;
    const session = str(r.session, 64);
    hello.resume = session ? { lastSeq, session } : { lastSeq };
  }
  return hello;
}

/**
 * S-ENTRY-3: the entry kind. type 9/10 win (code, article card), then share card scenes; a share_openid
 * that did not verify makes the entry `direct` (the scene claim is not trusted either).
 */
export function entryKindOf(entry: EntryInfo | undefined, shareVerified: boolean): EntryKind {
  if (!entry) return EntryKind.Direct;
  if (entry.type === 9) return EntryKind.Code;
  if (entry.type === 10) return EntryKind.Article;
  if (entry.share_openid && !shareVerified) return EntryKind.Direct;
  if (entry.scene === 1007) return EntryKind.Share1007;
  if (entry.scene === 1008) return EntryKind.Share1008;
  if (entry.scene === 1044) return EntryKind.Share1044;
  return EntryKind.Direct;
}
