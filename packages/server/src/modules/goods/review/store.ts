/**
 * The goods review's storage (goods_audits, goods.audit_status/audit_id/audit_reason) and the app's pendant key.
 * Every state change locks the goods row (FOR UPDATE) and checks the state inside the transaction, so two
 * concurrent calls (resetaudit and an operator's decision, say) can never both win.
 */
import type { Db, Sql } from '../../../db/index.js';
import type { GoodsRow } from '../sql.js';

const AuditState = { Pending: 'pending', Withdrawn: 'withdrawn', Approved: 'approved', Rejected: 'rejected' } as const;

/** The columns a locked change sets (the plan function throws a DomainError to refuse; the transaction rolls back). */
export type GoodsChange = Partial<
  Pick<GoodsRow, 'name' | 'cover_img' | 'price_type' | 'price' | 'price2' | 'url' | 'third_party_appid' | 'goods_key'>
>;

export interface QueueItem extends GoodsRow {
  submitted_at: number;
}

export interface AuditRow {
  id: number;
  submitted_at: number;
  state: string;
  decided_at: number | null;
  decided_by: string | null;
  reason: string;
}

const COLS =
  'g.id, g.appid, g.name, g.cover_img, g.price_type, g.price, g.price2, g.url, g.third_party_appid, g.goods_key, g.audit_status, g.audit_id, g.third_party_tag, g.audit_reason';
const SETTABLE = ['name', 'cover_img', 'price_type', 'price', 'price2', 'url', 'third_party_appid', 'goods_key'] as const;

export class GoodsReviewStore {
  constructor(private readonly db: Db) {}

  private async lock(sql: Sql, appid: string, goodsId: number): Promise<GoodsRow | undefined> {
    const [row] = await sql.query<GoodsRow>(
      `SELECT ${COLS} FROM goods g WHERE g.id=$1 AND g.appid=$2 AND g.deleted_at IS NULL FOR UPDATE`,
      [goodsId, appid],
    );
    return row;
  }

  /** Review submissions of an app since `since` (the daily quota). */
  async submittedSince(appid: string, since: number): Promise<number> {
    const [r] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM goods_audits WHERE appid=$1 AND submitted_at >= $2', [
      appid,
      since,
    ]);
    return r?.n ?? 0;
  }

  /** Withdraw the current review (goods/resetaudit): in review and the same auditId, else why not. */
  withdraw(appid: string, goodsId: number, auditId: number, at: number): Promise<'ok' | 'missing' | 'not_in_review' | 'wrong_audit'> {
    return this.db.tx(async (sql) => {
      const g = await this.lock(sql, appid, goodsId);
      if (!g) return 'missing';
      if (g.audit_status !== 1) return 'not_in_review';
      if (g.audit_id !== auditId) return 'wrong_audit';
      await sql.query(`UPDATE goods_audits SET state='${AuditState.Withdrawn}', decided_at=$2, decided_by='merchant' WHERE id=$1`, [
        auditId,
        at,
      ]);
      await sql.query('UPDATE goods SET audit_status=0 WHERE id=$1', [goodsId]);
      return 'ok';
    });
  }

  /** A new review submission of goods that is not in review and not approved (goods/audit); approved at once when `approvedBy`. */
  resubmit(
    appid: string,
    goodsId: number,
    at: number,
    approvedBy: string | null,
  ): Promise<{ auditId: number } | 'missing' | { state: number }> {
    return this.db.tx(async (sql) => {
      const g = await this.lock(sql, appid, goodsId);
      if (!g) return 'missing';
      if (g.audit_status !== 0 && g.audit_status !== 3) return { state: g.audit_status };
      const [a] = await sql.query<{ id: number }>(
        'INSERT INTO goods_audits (goods_id, appid, submitted_at, state, decided_at, decided_by) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id',
        [goodsId, appid, at, approvedBy ? AuditState.Approved : AuditState.Pending, approvedBy ? at : null, approvedBy],
      );
      await sql.query(`UPDATE goods SET audit_id=$2, audit_status=$3, audit_reason='' WHERE id=$1`, [goodsId, a!.id, approvedBy ? 2 : 1]);
      return { auditId: a!.id };
    });
  }

  /** The operator's decision on goods in review: approved (2) or rejected (3) with a reason. */
  decide(
    appid: string,
    goodsId: number,
    approve: boolean,
    reason: string,
    by: string,
    at: number,
  ): Promise<'ok' | 'missing' | 'not_in_review'> {
    return this.db.tx(async (sql) => {
      const g = await this.lock(sql, appid, goodsId);
      if (!g) return 'missing';
      if (g.audit_status !== 1) return 'not_in_review';
      await sql.query('UPDATE goods_audits SET state=$2, decided_at=$3, decided_by=$4, reason=$5 WHERE id=$1', [
        g.audit_id,
        approve ? AuditState.Approved : AuditState.Rejected,
        at,
        by,
        reason,
      ]);
      await sql.query('UPDATE goods SET audit_status=$2, audit_reason=$3 WHERE id=$1', [goodsId, approve ? 2 : 3, approve ? '' : reason]);
      return 'ok';
    });
  }

  /** Change goods fields under the row lock; `plan` sees the locked row and decides (the review state rules live in the service). */
  update(appid: string, goodsId: number, plan: (g: GoodsRow) => GoodsChange): Promise<'missing' | GoodsChange> {
    return this.db.tx(async (sql) => {
      const g = await this.lock(sql, appid, goodsId);
      if (!g) return 'missing';
      const set = plan(g);
      const keys = SETTABLE.filter((k) => set[k] !== undefined);
      if (keys.length)
        await sql.query(`UPDATE goods SET ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE id=$1`, [
          goodsId,
          ...keys.map((k) => set[k]),
        ]);
      return set;
    });
  }

  /** Goods waiting for the operator, oldest submission first (one app, or every app). */
  queue(appid: string | null, limit: number): Promise<QueueItem[]> {
    return this.db.query<QueueItem>(
      `SELECT ${COLS}, a.submitted_at FROM goods g JOIN goods_audits a ON a.id = g.audit_id
       WHERE g.audit_status = 1 AND g.deleted_at IS NULL AND ($1::text IS NULL OR g.appid = $1) ORDER BY a.submitted_at, g.id LIMIT $2`,
      [appid, limit],
    );
  }

  /** Review submissions of one goods, newest first. */
  history(goodsId: number): Promise<AuditRow[]> {
    return this.db.query<AuditRow>(
      'SELECT id, submitted_at, state, decided_at, decided_by, reason FROM goods_audits WHERE goods_id=$1 ORDER BY id DESC LIMIT 50',
      [goodsId],
    );
  }

  async pendantKey(appid: string): Promise<string[]> {
    const [r] = await this.db.query<{ keys: string }>('SELECT keys FROM goods_pendant_keys WHERE appid=$1', [appid]);
    return r ? (JSON.parse(r.keys) as string[]) : [];
  }

  async setPendantKey(appid: string, keys: string[], at: number): Promise<void> {
    await this.db.query(
      'INSERT INTO goods_pendant_keys (appid, keys, updated_at) VALUES ($1,$2,$3) ON CONFLICT (appid) DO UPDATE SET keys = EXCLUDED.keys, updated_at = EXCLUDED.updated_at',
      [appid, JSON.stringify(keys), at],
    );
  }
}
