/**
 * Numbers per room: the realtime stats (entries by scene S-ENTRY-3, share chain S-PARAMS-3, likes, comments, peak),
 * subscriptions, goods taps, and a per-minute series over the live for the chart. Read through module services.
 */
import type { RoomRealtimeStats } from '@zhibo/protocol';
import { type SalesNumbers, salesCsvRows, salesNumbers } from '../orders/index.js';
import type { ConsoleDeps } from './deps.js';
import type { RoomRow } from '../rooms/sql.js';
import type { ConsoleSql } from './sql.js';

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
  /** the live itself: first go-live, its end (null while it runs), and how long it lasted */
  live: { startedAt: number | null; endedAt: number | null; durationSec: number | null };
  /** orders traced to the live: GMV, conversion, per product and sharer (modules/orders) */
  sales: SalesNumbers;
}

const MAX_BUCKETS = 240;

/** A bucket size that keeps the chart under MAX_BUCKETS points: 1 min, 5 min, 15 min, 1 h. */
export function bucketFor(spanMs: number): number {
  for (const b of [60_000, 5 * 60_000, 15 * 60_000, 3_600_000]) if (spanMs / b <= MAX_BUCKETS) return b;
  return 6 * 3_600_000;
}

export async function roomNumbers(d: ConsoleDeps, sql: ConsoleSql, room: RoomRow): Promise<RoomNumbers> {
  return {
    roomId: room.id,
    name: room.name,
    realtime: await d.interaction.stats(room.appid, room.id),
    viewersNow: [103, 104, 107].includes(d.rooms.cachedStatus(room.id)?.status ?? room.live_status) ? 0 : d.interaction.viewersNow(room.id),
    subscriptions: await d.reminders.count(room.id),
    taps: await d.goods.tapCounts(room.id),
    shareChain: await d.interaction.shareChain(room.id),
    ...(await series(d, sql, room.id)),
    live: await liveSpan(d, room.id),
    sales: await salesNumbers({ orders: d.orders, rooms: d.rooms, goods: d.goods, interaction: d.interaction, clock: d.clock }, room),
  };
}

/** From the audit log: the first go-live and the end (ended or banned). */
async function liveSpan(d: ConsoleDeps, roomId: number): Promise<RoomNumbers['live']> {
  const events = await d.rooms.auditLog(roomId);
  const start = events.find((e) => e.to_status === 101)?.at ?? null;
  const end = start === null ? null : ([...events].reverse().find((e) => [103, 104].includes(e.to_status))?.at ?? null);
  return { startedAt: start, endedAt: end, durationSec: start === null ? null : Math.round(((end ?? d.clock.now()) - start) / 1000) };
}

/** Per-bucket series from the samples (viewers, cumulative likes) and the timestamped comments and entries. */
async function series(d: ConsoleDeps, sql: ConsoleSql, roomId: number): Promise<{ series: Series; bucketMs: number }> {
  const events = await d.rooms.auditLog(roomId);
  const wentLive = events.find((e) => e.to_status === 101);
  const ended = [...events].reverse().find((e) => [103, 104].includes(e.to_status));
  const empty = { series: { t: [], viewers: [], likes: [], comments: [], entries: [] }, bucketMs: 60_000 };
  if (!wentLive) return empty;
  const from = wentLive.at;
  const to = Math.max(from + 60_000, ended?.at ?? d.clock.now());
  const bucketMs = bucketFor(to - from);
  const n = Math.min(MAX_BUCKETS + 1, Math.floor((to - from) / bucketMs) + 1);
  const idx = (at: number) => Math.min(n - 1, Math.max(0, Math.floor((at - from) / bucketMs)));
  const zeros = () => new Array<number>(n).fill(0);
  const out: Series = {
    t: Array.from({ length: n }, (_, i) => from + i * bucketMs),
    viewers: zeros(),
    likes: zeros(),
    comments: zeros(),
    entries: zeros(),
  };
  const seen = new Array<boolean>(n).fill(false);
  for (const x of await sql.samples(roomId, from, to)) {
    const i = idx(x.at);
    out.viewers[i] = Math.max(out.viewers[i]!, x.viewers);
    out.likes[i] = Math.max(out.likes[i]!, Number(x.likes));
    seen[i] = true;
  }
  // Likes are a running total: carry it over buckets without a sample.
  for (let i = 1; i < n; i++) if (!seen[i]) out.likes[i] = out.likes[i - 1]!;
  for (const r of await d.interaction.perBucket('comments', roomId, from, to, bucketMs)) out.comments[Math.min(n - 1, r.b)]! += r.n;
  for (const r of await d.interaction.perBucket('entries', roomId, from, to, bucketMs)) out.entries[Math.min(n - 1, r.b)]! += r.n;
  return { series: out, bucketMs };
}

const csvCell = (v: string | number | null | undefined): string => {
  const t = String(v ?? '');
  // Cells starting with = + - @ are read as formulas by spreadsheets: prefix them.
  const safe = /^[=+\-@\t\r]/.test(t) ? `'${t}` : t;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const row = (...cells: Array<string | number | null | undefined>) => cells.map(csvCell).join(',');

/** The numbers as CSV: a summary block, the per-minute series, goods taps, top sharers, the share chain, then the sales (orders, GMV, conversion, attribution). */
export function numbersCsv(n: RoomNumbers): string {
  const r = n.realtime;
  const lines = [
    row(
      'room_id',
      'name',
      'peak_viewers',
      'unique_viewers',
      'likes',
      'comments',
      'subscriptions',
      'duration_sec',
      'goods_taps',
      'share_entries',
    ),
    row(
      n.roomId,
      n.name,
      r.peakViewers,
      r.uniqueViewers,
      r.likes,
      r.comments,
      n.subscriptions,
      n.live.durationSec ?? '',
      n.taps.reduce((a, t) => a + t.taps, 0),
      n.shareChain.length,
    ),
    '',
    row('entry_scene', 'entries'),
    ...Object.entries(r.entries).map(([k, v]) => row(k, v)),
    '',
    row('time_utc', 'viewers', 'likes_total', 'comments', 'entries'),
    ...n.series.t.map((t, i) =>
      row(new Date(t).toISOString(), n.series.viewers[i], n.series.likes[i], n.series.comments[i], n.series.entries[i]),
    ),
    '',
    row('goods_id', 'goods_name', 'taps'),
    ...n.taps.map((t) => row(t.goodsId, t.name, t.taps)),
    '',
    row('sharer_openid', 'viewers_brought'),
    ...r.topSharers.map((t) => row(t.openid, t.viewers)),
    '',
    row('sharer_openid', 'viewer_openid', 'scene', 'time_utc'),
    ...n.shareChain.map((e) => row(e.sharer, e.viewer, e.scene ?? '', new Date(e.at).toISOString())),
    '',
    ...salesCsvRows(n.sales).map((cells) => (cells.length ? row(...cells) : '')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
