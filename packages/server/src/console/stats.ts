/**
 * Numbers per room (issue 5 §7): the realtime stats (entries by scene S-ENTRY-3, share chain S-PARAMS-3,
 * likes, comments, peak), subscriptions, goods taps, and a per-minute series over the live for the chart.
 */
import type { RoomRealtimeStats } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { Services } from '../services/index.js';
import type { RoomRow } from '../services/rooms.js';

export interface Series {
  /** bucket starts, ms epoch */
  t: number[];
  viewers: number[];
  likes: number[];
  comments: number[];
  entries: number[];
}

export interface RoomNumbers {
  roomId: number;
  name: string;
  realtime: RoomRealtimeStats;
  viewersNow: number;
  subscriptions: number;
  taps: Array<{ goodsId: number; name: string; taps: number }>;
  shareChain: Array<{ sharer: string; viewer: string; scene: number | null; at: number }>;
  series: Series;
  bucketMs: number;
}

const MAX_BUCKETS = 240;

/** A bucket size that keeps the chart under MAX_BUCKETS points: 1 min, 5 min, 15 min, 1 h. */
export function bucketFor(spanMs: number): number {
  for (const b of [60_000, 5 * 60_000, 15 * 60_000, 3_600_000]) if (spanMs / b <= MAX_BUCKETS) return b;
  return 6 * 3_600_000;
}

export async function roomNumbers(s: Services, clock: Clock, room: RoomRow): Promise<RoomNumbers> {
  const realtime = await s.interaction.stats(room.appid, room.id);
  const ch = s.realtime.channels.get(room.id);
  const taps = await s.db.query<{ goods_id: number; name: string | null; taps: number }>(
    `SELECT t.goods_id, g.name, count(*)::int AS taps FROM goods_taps t LEFT JOIN goods g ON g.id = t.goods_id
     WHERE t.room_id = $1 GROUP BY t.goods_id, g.name ORDER BY taps DESC, t.goods_id`, [room.id]);
  const chain = await s.db.query<{ sharer_openid: string; viewer_openid: string; scene: number | null; at: number }>(
    'SELECT sharer_openid, viewer_openid, scene, at FROM share_edges WHERE room_id = $1 ORDER BY at, sharer_openid LIMIT 500', [room.id]);
  return {
    roomId: room.id,
    name: room.name,
    realtime,
    viewersNow: ch?.viewers ?? s.realtime.channels.mediaViewers.get(room.id) ?? 0,
    subscriptions: await s.reminders.count(room.id),
    taps: taps.map((t) => ({ goodsId: t.goods_id, name: t.name ?? `#${t.goods_id}`, taps: t.taps })),
    shareChain: chain.map((e) => ({ sharer: e.sharer_openid, viewer: e.viewer_openid, scene: e.scene, at: e.at })),
    ...(await series(s, clock, room.id)),
  };
}

/** Per-bucket series from the samples (viewers, cumulative likes) and the timestamped comments and entries. */
async function series(s: Services, clock: Clock, roomId: number): Promise<{ series: Series; bucketMs: number }> {
  const events = await s.db.query<{ from_status: number | null; to_status: number; at: number }>('SELECT from_status, to_status, at FROM room_events WHERE room_id = $1 ORDER BY id', [roomId]);
  const wentLive = events.find((e) => e.to_status === 101);
  const ended = [...events].reverse().find((e) => [103, 104].includes(e.to_status));
  const empty = { series: { t: [], viewers: [], likes: [], comments: [], entries: [] }, bucketMs: 60_000 };
  if (!wentLive) return empty;
  const from = wentLive.at;
  const to = Math.max(from + 60_000, ended?.at ?? clock.now());
  const bucketMs = bucketFor(to - from);
  const n = Math.min(MAX_BUCKETS + 1, Math.floor((to - from) / bucketMs) + 1);
  const idx = (at: number) => Math.min(n - 1, Math.max(0, Math.floor((at - from) / bucketMs)));
  const out: Series = { t: Array.from({ length: n }, (_, i) => from + i * bucketMs), viewers: new Array<number>(n).fill(0), likes: new Array<number>(n).fill(0), comments: new Array<number>(n).fill(0), entries: new Array<number>(n).fill(0) };
  const samples = await s.db.query<{ at: number; viewers: number; likes: number }>('SELECT at, viewers, likes FROM room_samples WHERE room_id = $1 AND at >= $2 AND at <= $3 ORDER BY at', [roomId, from, to]);
  const seen = new Array<boolean>(n).fill(false);
  for (const x of samples) {
    const i = idx(x.at);
    out.viewers[i] = Math.max(out.viewers[i]!, x.viewers);
    out.likes[i] = Math.max(out.likes[i]!, Number(x.likes));
    seen[i] = true;
  }
  // Likes are a running total: carry it over buckets without a sample.
  for (let i = 1; i < n; i++) if (!seen[i]) out.likes[i] = out.likes[i - 1]!;
  const bucketed = async (table: 'room_comments' | 'room_entries') =>
    s.db.query<{ b: number; n: number }>(
      `SELECT floor((at - $2) / $3::float8)::int AS b, count(*)::int AS n FROM ${table} WHERE room_id = $1 AND at >= $2 AND at <= $4 GROUP BY 1`, [roomId, from, bucketMs, to]);
  for (const r of await bucketed('room_comments')) out.comments[Math.min(n - 1, r.b)]! += r.n;
  for (const r of await bucketed('room_entries')) out.entries[Math.min(n - 1, r.b)]! += r.n;
  return { series: out, bucketMs };
}

const csvCell = (v: unknown): string => {
  const t = String(v ?? '');
  // Cells starting with = + - @ are read as formulas by spreadsheets: prefix them.
  const safe = /^[=+\-@\t\r]/.test(t) ? `'${t}` : t;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const row = (...cells: unknown[]) => cells.map(csvCell).join(',');

/** The numbers as CSV: a summary block, the per-minute series, goods taps, top sharers, the share chain. */
export function numbersCsv(n: RoomNumbers): string {
  const r = n.realtime;
  const lines = [
    row('room_id', 'name', 'peak_viewers', 'unique_viewers', 'likes', 'comments', 'subscriptions'),
    row(n.roomId, n.name, r.peakViewers, r.uniqueViewers, r.likes, r.comments, n.subscriptions),
    '',
    row('entry_scene', 'entries'),
    ...Object.entries(r.entries).map(([k, v]) => row(k, v)),
    '',
    row('time_utc', 'viewers', 'likes_total', 'comments', 'entries'),
    ...n.series.t.map((t, i) => row(new Date(t).toISOString(), n.series.viewers[i], n.series.likes[i], n.series.comments[i], n.series.entries[i])),
    '',
    row('goods_id', 'goods_name', 'taps'),
    ...n.taps.map((t) => row(t.goodsId, t.name, t.taps)),
    '',
    row('sharer_openid', 'viewers_brought'),
    ...r.topSharers.map((t) => row(t.openid, t.viewers)),
    '',
    row('sharer_openid', 'viewer_openid', 'scene', 'time_utc'),
    ...n.shareChain.map((e) => row(e.sharer, e.viewer, e.scene ?? '', new Date(e.at).toISOString())),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
