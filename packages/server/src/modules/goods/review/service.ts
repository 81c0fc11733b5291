/**
 * WeChat's goods review (商品审核) as zhibo runs it: goods/add and goods/audit submit (audit status 1 with a new
 * auditId), goods/resetaudit withdraws (0), the operator approves (2) or rejects (3) with a reason in the console.
 * With the app's review switch off (`goodsReview`, the default) a submission is approved at once by 'auto' — the
 * same states and auditIds, no waiting. Goods created in the console (thirdPartyTag 0) are not the API's to review.
 */
import { Reason } from '@zhibo/protocol';
import { type Clock, quotaDayEnd } from '@zhibo/core';
import { DomainError } from '../../../lib/errors.js';
import { intOf, positiveId } from '../../../lib/ids.js';
import type { GoodsRow } from '../sql.js';
import type { AuditRow, GoodsReviewStore, QueueItem } from './store.js';

export const AuditStatus = { NotSubmitted: 0, InReview: 1, Approved: 2, Rejected: 3 } as const;
/** WeChat's thirdPartyTag: 2 = added through the API; 0 = added in the console. */
export const ThirdPartyTag = { Console: 0, Api: 2 } as const;
/** review submissions (goods/add + goods/audit) per app and day, as WeChat's */
const AUDIT_DAILY_QUOTA = 500;
/** who decides when the review switch is off */
const AUTO_REVIEWER = 'auto';

export type Origin = 'api' | 'console';

const DAY_MS = 86_400_000;

export function goodsIdOf(v: unknown, field = 'goodsId'): number {
  const id = positiveId(v);
  if (id === undefined) throw new DomainError(Reason.GoodsNotFound, `${field} must be a positive integer goods id`, field);
  return id;
}

export class GoodsReview {
  constructor(
    private readonly store: GoodsReviewStore,
    private readonly clock: Clock,
    /** the app's review switch (app setting `goodsReview`) */
    private readonly reviewOn: (appid: string) => Promise<boolean>,
  ) {}

  /** Who approves a new submission now: 'auto' when the app's review is off, else nobody yet (the operator). */
  async approver(appid: string): Promise<string | null> {
    return (await this.reviewOn(appid)) ? null : AUTO_REVIEWER;
  }

  /** The daily submission quota (API calls only: the console is the merchant's own hand). */
  async checkQuota(appid: string): Promise<void> {
    const now = this.clock.now();
    if ((await this.store.submittedSince(appid, quotaDayEnd(now) - DAY_MS)) >= AUDIT_DAILY_QUOTA)
      throw new DomainError(
        Reason.GoodsAuditQuota,
        `no review quota left today (${AUDIT_DAILY_QUOTA} submissions a day, shared by goods/add and goods/audit)`,
      );
  }

  /** The WeChat API may act only on goods it created. */
  static assertApiGoods(g: Pick<GoodsRow, 'id' | 'third_party_tag'>, origin: Origin): void {
    if (origin === 'api' && g.third_party_tag === ThirdPartyTag.Console)
      throw new DomainError(Reason.GoodsNotApiCreated, `goods ${g.id} was created in the console; the API may not change it`, 'goodsId');
  }

  /** POST goods/resetaudit {auditId, goodsId}: withdraw the review in progress. */
  async withdraw(appid: string, g: GoodsRow, rawAuditId: unknown, origin: Origin): Promise<void> {
    const id = g.id;
    GoodsReview.assertApiGoods(g, origin);
    const auditId = intOf(rawAuditId);
    if (auditId === undefined || auditId <= 0)
      throw new DomainError(Reason.GoodsAuditWithdrawFailed, 'auditId must be the auditId goods/add or goods/audit answered', 'auditId');
    const out = await this.store.withdraw(appid, id, auditId, this.clock.now());
    if (out === 'missing') throw new DomainError(Reason.GoodsNotFound, `goods ${id} does not exist`, 'goodsId');
    if (out === 'not_in_review')
      throw new DomainError(Reason.GoodsNotInReview, `goods ${id} is not in review; nothing to withdraw`, 'goodsId');
    if (out === 'wrong_audit')
      throw new DomainError(Reason.GoodsAuditWithdrawFailed, `auditId ${auditId} is not the current review of goods ${id}`, 'auditId');
  }

  /** POST goods/audit {goodsId}: submit again (after a withdrawal or a rejection); returns the new auditId. */
  async resubmit(appid: string, g: GoodsRow, origin: Origin): Promise<number> {
    const id = g.id;
    GoodsReview.assertApiGoods(g, origin);
    if (origin === 'api') await this.checkQuota(appid);
    const out = await this.store.resubmit(appid, id, this.clock.now(), await this.approver(appid));
    if (out === 'missing') throw new DomainError(Reason.GoodsNotFound, `goods ${id} does not exist`, 'goodsId');
    if ('state' in out)
      throw new DomainError(
        Reason.GoodsAuditState,
        `goods ${id} is ${out.state === 1 ? 'in review' : 'approved'}: only goods withdrawn from review or rejected can be submitted`,
        'goodsId',
      );
    return out.auditId;
  }

  /** The operator's decision (console): approve, or reject with a reason the merchant sees. */
  async decide(appid: string, rawGoodsId: unknown, approve: boolean, reason: unknown, by: string): Promise<void> {
    const id = goodsIdOf(rawGoodsId);
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (!approve && (!why || why.length > 200))
      throw new DomainError(Reason.BadParameter, 'Give the reason for the rejection (1–200 characters); the merchant sees it', 'reason');
    const out = await this.store.decide(appid, id, approve, approve ? '' : why, by, this.clock.now());
    if (out === 'missing') throw new DomainError(Reason.GoodsNotFound, `goods ${id} does not exist`, 'goodsId');
    if (out === 'not_in_review')
      throw new DomainError(Reason.GoodsNotInReview, `goods ${id} is not in review (decided or withdrawn meanwhile)`, 'goodsId');
  }

  queue(appid: string | null, limit = 200): Promise<QueueItem[]> {
    return this.store.queue(appid, limit);
  }

  history(goodsIdValue: number): Promise<AuditRow[]> {
    return this.store.history(goodsIdValue);
  }
}
