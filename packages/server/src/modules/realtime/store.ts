/**
 * Storage of the real-time channel: comments, mutes, per-room totals (likes, peak viewers, presented
 * product), entries and the share chain. Hot writes (comments, entries, edges, like deltas) are queued
 * and written in batches, one flush per tick, so a busy room costs a few statements a second.
 */
import { ANCHOR_OPENID, EntryKind, type ChatComment, type RoomRealtimeStats } from '@zhibo/protocol';

/** Comments the merchant sent as the anchor are stored with ANCHOR_OPENID; they come back with their role. */
const withRole = (c: ChatComment): ChatComment => (c.openid === ANCHOR_OPENID ? { ...c, role: 'anchor' } : c);
import type { Db } from '../../db/index.js';
import type { Log } from '../../lib/log.js';

export interface RoomState {
  likes: number;
  peak: number;
  presentedGoodsId: number | null;
  /** the notice pinned above the chat */
  notice: string | null;
  mutes: Set<string>;
  /** oldest first */
  comments: ChatComment[];
}

export interface EntryRecord {
  roomId: number;
  openid: string;
  session: string;
  kind: EntryKind;
  shareOpenid: string | null;
  customParams: string;
  at: number;
}

export interface ShareEdge {
  roomId: number;
  sharer: string;
  viewer: string;
  scene: number | null;
  at: number;
}

/** The database refused the values (data exception, integrity constraint), not the statement or the connection. */
function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

export class RealtimeStore {
  private comments: Array<{ roomId: number; c: ChatComment }> = [];
  private entries: EntryRecord[] = [];
  private edges: ShareEdge[] = [];
  private totals = new Map<number, { likes: number; peak: number }>();
  private chain: Promise<void> = Promise.resolve();
  private waiting: Promise<void> | undefined;
  /** comments and like taps taken since start (metrics) */
  readonly counted = { comments: 0, likes: 0 };

  /** comments, entries and share edges dropped while the disk was low (logged when space is back) */
  private dropped = { comments: 0, entries: 0, edges: 0 };

  constructor(
    private readonly db: Db,
    private readonly log: Log,
    /** the disk watermark: below it chat, entries and share edges are not stored (likes are: one row per room) */
    private readonly disk?: { readonly low: boolean },
  ) {}

  async loadRoom(roomId: number, recent: number): Promise<RoomState> {
    const [t] = await this.db.query<{ likes: number; peak_viewers: number; presented_goods_id: number | null; notice: string | null }>(
      'SELECT likes, peak_viewers, presented_goods_id, notice FROM room_interaction WHERE room_id = $1',
      [roomId],
    );
    const mutes = await this.db.query<{ openid: string }>('SELECT openid FROM room_mutes WHERE room_id = $1', [roomId]);
    const comments = await this.db.query<ChatComment>(
      'SELECT id, openid, nick, text, at FROM room_comments WHERE room_id = $1 AND deleted_at IS NULL ORDER BY at DESC, id DESC LIMIT $2',
      [roomId, recent],
    );
    const pending = this.totals.get(roomId);
    const queued = this.comments.filter((q) => q.roomId === roomId).map((q) => q.c);
    return {
      likes: (t?.likes ?? 0) + (pending?.likes ?? 0),
      peak: Math.max(t?.peak_viewers ?? 0, pending?.peak ?? 0),
      presentedGoodsId: t?.presented_goods_id ?? null,
      notice: t?.notice ?? null,
      mutes: new Set(mutes.map((m) => m.openid)),
      comments: [...comments.reverse().map(withRole), ...queued].slice(-recent),
    };
  }

  queueComment(roomId: number, c: ChatComment): void {
    this.counted.comments++;
    this.comments.push({ roomId, c });
  }

  queueEntry(e: EntryRecord): void {
    this.entries.push(e);
  }

  queueEdge(e: ShareEdge): void {
    this.edges.push(e);
  }

  /** Like taps since the last call and the room's peak so far (stored as increments / GREATEST). */
  addTotals(roomId: number, likes: number, peak: number): void {
    this.counted.likes += likes;
    const t = this.totals.get(roomId);
    if (t) {
      t.likes += likes;
      t.peak = Math.max(t.peak, peak);
    } else this.totals.set(roomId, { likes, peak });
  }

  /**
   * Write everything queued; flushes run one after another, and at most one waits behind the running one
   * (a slow database never piles up flushes). Rows the database refuses are logged and dropped one by one (write()).
   */
  flush(): Promise<void> {
    if (this.waiting) return this.waiting;
    const next = this.chain.then(() => {
      this.waiting = undefined;
      return this.flushOnce();
    });
    this.waiting = next;
    this.chain = next.catch(() => {});
    return next;
  }

  private async flushOnce(): Promise<void> {
    const comments = this.comments;
    const entries = this.entries;
    const edges = this.edges;
    const totals = this.totals;
    if (!comments.length && !entries.length && !edges.length && !totals.size) return;
    this.comments = [];
    this.entries = [];
    this.edges = [];
    this.totals = new Map();
    if (this.disk?.low) {
      if (!this.dropped.comments && !this.dropped.entries && !this.dropped.edges && (comments.length || entries.length || edges.length))
        this.log.warn(
          'realtime: disk low: chat, entries and share edges are not stored until space is freed (viewers still see them live)',
        );
      this.dropped.comments += comments.length;
      this.dropped.entries += entries.length;
      this.dropped.edges += edges.length;
      comments.length = entries.length = edges.length = 0;
    } else if (this.dropped.comments || this.dropped.entries || this.dropped.edges) {
      const d = this.dropped;
      this.log.info(
        `realtime: disk space back: storing again (${d.comments} comments, ${d.entries} entries, ${d.edges} share edges were not stored)`,
      );
      this.dropped = { comments: 0, entries: 0, edges: 0 };
    }
    // Each kind on its own: a failure of one never costs the others (issue 10: one viewer's bad row wiped every room's likes).
    await this.write('comments', comments, (rows) =>
      this.db.query(
        `INSERT INTO room_comments (id, room_id, openid, nick, text, at)
         SELECT t.* FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int8[]) AS t(id, room_id, openid, nick, text, at)
         WHERE EXISTS (SELECT 1 FROM rooms r WHERE r.id = t.room_id) ON CONFLICT (id) DO NOTHING`,
        [
          rows.map((q) => q.c.id),
          rows.map((q) => q.roomId),
          rows.map((q) => q.c.openid),
          rows.map((q) => q.c.nick),
          rows.map((q) => q.c.text),
          rows.map((q) => q.c.at),
        ],
      ),
    );
    await this.write('entries', entries, (rows) =>
      this.db.query(
        `INSERT INTO room_entries (room_id, openid, session, kind, share_openid, custom_params, at)
         SELECT t.* FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[]) AS t(room_id, openid, session, kind, share_openid, custom_params, at)
         WHERE EXISTS (SELECT 1 FROM rooms r WHERE r.id = t.room_id) ON CONFLICT DO NOTHING`,
        [
          rows.map((e) => e.roomId),
          rows.map((e) => e.openid),
          rows.map((e) => e.session),
          rows.map((e) => e.kind),
          rows.map((e) => e.shareOpenid),
          rows.map((e) => e.customParams),
          rows.map((e) => e.at),
        ],
      ),
    );
    await this.write('share edges', edges, (rows) =>
      this.db.query(
        `INSERT INTO share_edges (room_id, sharer_openid, viewer_openid, scene, at)
         SELECT t.* FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int8[]) AS t(room_id, sharer_openid, viewer_openid, scene, at)
         WHERE EXISTS (SELECT 1 FROM rooms r WHERE r.id = t.room_id) ON CONFLICT DO NOTHING`,
        [rows.map((e) => e.roomId), rows.map((e) => e.sharer), rows.map((e) => e.viewer), rows.map((e) => e.scene), rows.map((e) => e.at)],
      ),
    );
    const lost = await this.write('room totals', [...totals], (rows) =>
      this.db.query(
        `INSERT INTO room_interaction (room_id, likes, peak_viewers)
         SELECT t.room_id, t.likes, t.peak FROM unnest($1::int[], $2::int8[], $3::int[]) AS t(room_id, likes, peak)
         JOIN rooms r ON r.id = t.room_id
         ON CONFLICT (room_id) DO UPDATE SET likes = room_interaction.likes + EXCLUDED.likes,
           peak_viewers = GREATEST(room_interaction.peak_viewers, EXCLUDED.peak_viewers)`,
        [rows.map(([id]) => id), rows.map(([, t]) => t.likes), rows.map(([, t]) => t.peak)],
      ),
    );
    // Like counts are increments: when the database was unavailable (not a bad row) they wait for the next flush.
    for (const [roomId, t] of lost) this.addTotals(roomId, t.likes, t.peak);
  }

  /**
   * One batched statement; if the database refuses the data (SQLSTATE class 22/23), each row is written alone so
   * only the bad rows are lost (logged). Returns the rows not written for another reason (database unavailable).
   */
  private async write<T>(what: string, rows: T[], insert: (rows: T[]) => Promise<unknown>): Promise<T[]> {
    if (!rows.length) return [];
    try {
      await insert(rows);
      return [];
    } catch (e) {
      if (!isDataError(e)) {
        this.log.error(`realtime: writing ${rows.length} ${what} failed: ${(e as Error).message}`);
        return rows;
      }
      if (rows.length === 1) {
        this.log.warn(`realtime: 1 of ${what} refused by the database and dropped: ${(e as Error).message}`);
        return [];
      }
    }
    let refused = 0;
    let first = '';
    const failed: T[] = [];
    for (const r of rows) {
      try {
        await insert([r]);
      } catch (e) {
        if (!isDataError(e)) failed.push(r);
        else if (++refused === 1) first = (e as Error).message;
      }
    }
    if (refused)
      this.log.warn(`realtime: ${refused} of ${rows.length} ${what} refused by the database and dropped (the rest written): ${first}`);
    if (failed.length) this.log.error(`realtime: writing ${failed.length} ${what} failed`);
    return failed;
  }

  /** Delete up to `limit` entries older than `before` (retention). */
  async deleteEntriesBefore(before: number, limit: number): Promise<number> {
    const rows = await this.db.query(
      'DELETE FROM room_entries WHERE ctid IN (SELECT ctid FROM room_entries WHERE at < $1 ORDER BY at LIMIT $2) RETURNING room_id',
      [before, limit],
    );
    return rows.length;
  }

  /** Did this viewer enter the room before `at`? (queued entries count; mute by address spares them) */
  async seenBefore(roomId: number, openid: string, at: number): Promise<boolean> {
    if (this.entries.some((e) => e.roomId === roomId && e.openid === openid && e.at < at)) return true;
    const rows = await this.db.query('SELECT 1 FROM room_entries WHERE room_id = $1 AND openid = $2 AND at < $3 LIMIT 1', [
      roomId,
      openid,
      at,
    ]);
    return rows.length > 0;
  }

  async notice(roomId: number): Promise<string | null> {
    const [r] = await this.db.query<{ notice: string | null }>('SELECT notice FROM room_interaction WHERE room_id = $1', [roomId]);
    return r?.notice ?? null;
  }

  async setNotice(roomId: number, text: string | null): Promise<void> {
    await this.db.query(
      `INSERT INTO room_interaction (room_id, notice) VALUES ($1, $2)
       ON CONFLICT (room_id) DO UPDATE SET notice = EXCLUDED.notice`,
      [roomId, text],
    );
  }

  async setPresented(roomId: number, goodsId: number | null): Promise<void> {
    await this.db.query(
      `INSERT INTO room_interaction (room_id, presented_goods_id) VALUES ($1, $2)
       ON CONFLICT (room_id) DO UPDATE SET presented_goods_id = EXCLUDED.presented_goods_id`,
      [roomId, goodsId],
    );
  }

  async setMute(roomId: number, openid: string, mute: boolean, at: number): Promise<void> {
    if (mute)
      await this.db.query('INSERT INTO room_mutes (room_id, openid, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [roomId, openid, at]);
    else await this.db.query('DELETE FROM room_mutes WHERE room_id = $1 AND openid = $2', [roomId, openid]);
  }

  /** Mark a stored comment deleted; false when the room has no such (undeleted) comment. */
  async deleteComment(roomId: number, id: string, at: number): Promise<boolean> {
    await this.flush();
    const rows = await this.db.query(
      'UPDATE room_comments SET deleted_at = $3 WHERE room_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id',
      [roomId, id, at],
    );
    return rows.length > 0;
  }

  async stats(roomId: number, topSharers = 10): Promise<RoomRealtimeStats> {
    await this.flush();
    const entries = Object.fromEntries(Object.values(EntryKind).map((k) => [k, 0])) as Record<EntryKind, number>;
    for (const r of await this.db.query<{ kind: EntryKind; n: number }>(
      'SELECT kind, count(*)::int AS n FROM room_entries WHERE room_id = $1 GROUP BY kind',
      [roomId],
    ))
      if (r.kind in entries) entries[r.kind] = r.n;
    const [u] = await this.db.query<{ n: number }>('SELECT count(DISTINCT openid)::int AS n FROM room_entries WHERE room_id = $1', [
      roomId,
    ]);
    const sharers = await this.db.query<{ openid: string; viewers: number }>(
      `SELECT sharer_openid AS openid, count(*)::int AS viewers FROM share_edges WHERE room_id = $1
       GROUP BY sharer_openid ORDER BY viewers DESC, openid LIMIT $2`,
      [roomId, topSharers],
    );
    const [t] = await this.db.query<{ likes: number; peak_viewers: number }>(
      'SELECT likes, peak_viewers FROM room_interaction WHERE room_id = $1',
      [roomId],
    );
    const [c] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM room_comments WHERE room_id = $1', [roomId]);
    return {
      roomId,
      entries,
      uniqueViewers: u?.n ?? 0,
      topSharers: sharers,
      likes: t?.likes ?? 0,
      comments: c?.n ?? 0,
      peakViewers: t?.peak_viewers ?? 0,
    };
  }

  /** The newest comments of a room that are not deleted, oldest first (the console's live desk). */
  async recentComments(roomId: number, limit: number): Promise<ChatComment[]> {
    await this.flush();
    const rows = await this.db.query<ChatComment>(
      'SELECT id, openid, nick, text, at FROM room_comments WHERE room_id = $1 AND deleted_at IS NULL ORDER BY at DESC, id DESC LIMIT $2',
      [roomId, limit],
    );
    return rows.reverse().map(withRole);
  }

  /** Comments at `[from, to)` (server time), oldest first: not deleted, and none of a viewer muted in the room (the replay). */
  async commentsBetween(roomId: number, from: number, to: number, limit: number): Promise<ChatComment[]> {
    await this.flush();
    return this.db.query<ChatComment>(
      `SELECT c.id, c.openid, c.nick, c.text, c.at FROM room_comments c WHERE c.room_id = $1 AND c.deleted_at IS NULL AND c.at >= $2 AND c.at < $3
         AND NOT EXISTS (SELECT 1 FROM room_mutes m WHERE m.room_id = c.room_id AND m.openid = c.openid)
       ORDER BY c.at, c.id LIMIT $4`,
      [roomId, from, to, limit],
    );
  }

  async mutes(roomId: number): Promise<string[]> {
    return (await this.db.query<{ openid: string }>('SELECT openid FROM room_mutes WHERE room_id = $1', [roomId])).map((m) => m.openid);
  }

  async storedTotals(roomId: number): Promise<{ likes: number; peak: number }> {
    const [t] = await this.db.query<{ likes: number; peak_viewers: number }>(
      'SELECT likes, peak_viewers FROM room_interaction WHERE room_id = $1',
      [roomId],
    );
    return { likes: t?.likes ?? 0, peak: t?.peak_viewers ?? 0 };
  }

  /** Who brought whom (S-PARAMS-3), oldest first. */
  async shareChain(roomId: number, limit: number): Promise<Array<{ sharer: string; viewer: string; scene: number | null; at: number }>> {
    await this.flush();
    const rows = await this.db.query<{ sharer_openid: string; viewer_openid: string; scene: number | null; at: number }>(
      'SELECT sharer_openid, viewer_openid, scene, at FROM share_edges WHERE room_id = $1 ORDER BY at, sharer_openid LIMIT $2',
      [roomId, limit],
    );
    return rows.map((e) => ({ sharer: e.sharer_openid, viewer: e.viewer_openid, scene: e.scene, at: e.at }));
  }

  /** Comments or entries per time bucket of `bucketMs` from `from` to `to` (bucket index → count). */
  async perBucket(
    kind: 'comments' | 'entries',
    roomId: number,
    from: number,
    to: number,
    bucketMs: number,
  ): Promise<Array<{ b: number; n: number }>> {
    await this.flush();
    const table = kind === 'comments' ? 'room_comments' : 'room_entries';
    return this.db.query<{ b: number; n: number }>(
      `SELECT floor((at - $2) / $3::float8)::int AS b, count(*)::int AS n FROM ${table} WHERE room_id = $1 AND at >= $2 AND at <= $4 GROUP BY 1`,
      [roomId, from, bucketMs, to],
    );
  }
}
