/** The operator's goods review queue (WeChat's 商品审核): goods in review across apps, oldest first; approve, or reject with a reason. */
import { fmtTime, h, priceText } from '../dom.js';
import type { Ctx } from '../shell.js';
import { busy, button, card, dialog, empty, toast } from '../ui.js';
import type { GoodsItem } from './goods.js';

interface QueueItem extends GoodsItem {
  appid: string;
  appName: string;
  submittedAt: number;
}

/** Approve / Reject… buttons for one goods in review (the reason is asked for in a dialog). */
export function reviewButtons(ctx: Ctx, appid: string, g: GoodsItem, done: () => void): HTMLElement {
  const decide = async (btn: HTMLButtonElement, approve: boolean, reason = '') => {
    if (await busy(btn, () => ctx.api.post(`/apps/${appid}/goods/${g.id}/review`, { approve, reason }))) {
      toast(approve ? 'Approved' : 'Rejected', 'success');
      done();
    }
  };
  const approve = button('Approve', (e) => void decide(e.currentTarget as HTMLButtonElement, true), 'primary', {
    'data-action': 'approve',
  });
  const reject = button(
    'Reject…',
    async (e) => {
      const btn = e.currentTarget as HTMLButtonElement;
      const field = h('textarea', {
        class: 'input',
        name: 'reason',
        rows: 3,
        maxlength: 200,
        placeholder: 'e.g. the image does not show the product',
        'aria-label': 'Reason',
      });
      const v = await dialog(
        `Reject “${g.name}”?`,
        h('div', {}, h('p', { text: 'The merchant sees your reason and may fix the product and submit it again.' }), field),
        [
          { label: 'Cancel', value: '' },
          { label: 'Reject', value: 'reject', kind: 'danger' },
        ],
      );
      if (v !== 'reject') return;
      if (!field.value.trim()) return toast('Give a reason for the rejection', 'error');
      await decide(btn, false, field.value.trim());
    },
    'danger',
    { 'data-action': 'reject' },
  );
  return h('span', { class: 'review-buttons' }, approve, reject);
}

export async function reviewPage(ctx: Ctx): Promise<HTMLElement> {
  const { goods } = await ctx.api.get<{ goods: QueueItem[] }>('/review');
  ctx.setApp(undefined);
  const list = goods.length
    ? h(
        'div',
        { class: 'goods-grid' },
        goods.map((g) =>
          h(
            'div',
            { class: 'goods-card', dataset: { goodsId: String(g.id) } },
            h('img', { class: 'goods-img', src: g.coverImg, alt: '' }),
            h(
              'div',
              { class: 'goods-body' },
              h('strong', { text: g.name }),
              h('div', { class: 'price', text: priceText(g) }),
              h('div', { class: 'muted mono small', text: g.url }),
              h('div', { class: 'muted small', text: `${g.appName} · submitted ${fmtTime(g.submittedAt)} · auditId ${g.auditId ?? '–'}` }),
            ),
            h(
              'div',
              { class: 'goods-actions' },
              reviewButtons(ctx, g.appid, g, () => ctx.go('#/review')),
            ),
          ),
        ),
      )
    : empty('Nothing to review', 'Goods wait here when an app has the goods review switched on (App settings).');
  return h(
    'div',
    { class: 'page' },
    h(
      'header',
      { class: 'page-head' },
      h('div', {}, h('h1', { text: 'Goods review' }), h('p', { class: 'muted', text: `${goods.length} waiting` })),
    ),
    card('Waiting for a decision', list),
  );
}
