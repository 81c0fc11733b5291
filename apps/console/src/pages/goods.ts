/**
 * The goods library (WeChat's goods API) with its review: every product shows its review state (not submitted, in
 * review, approved, rejected with the operator's reason); merchants withdraw, resubmit, edit (WeChat's rules) and
 * delete; the operator approves or rejects goods in review right here or in the review queue.
 */
import { h, priceText } from '../dom.js';
import type { Ctx } from '../shell.js';
import { busy, button, card, confirmAction, empty, toast } from '../ui.js';
import { goodsForm } from './goods-form.js';
import { reviewButtons } from './review.js';

export interface GoodsItem {
  id: number;
  name: string;
  coverImg: string;
  priceType: number;
  price: number;
  price2: number;
  url: string;
  auditStatus: number;
  auditId?: number;
  auditReason?: string;
  thirdPartyTag?: number;
}

export const AUDIT_LABELS: Record<number, [string, string]> = {
  0: ['Not submitted', 'off'],
  1: ['In review', 'warn'],
  2: ['Approved', 'ok'],
  3: ['Rejected', 'bad'],
};

export function auditBadge(status: number): HTMLElement {
  const [label, tone] = AUDIT_LABELS[status] ?? ['Unknown', 'off'];
  return h('span', { class: `badge badge-${tone}`, dataset: { audit: String(status) }, text: label });
}

export async function goodsPage(ctx: Ctx): Promise<HTMLElement> {
  const appid = ctx.params.appid!;
  const { goods } = await ctx.api.get<{ goods: GoodsItem[] }>(`/apps/${appid}/goods`);
  ctx.setApp(appid);
  const reload = () => ctx.go(`#/apps/${appid}/goods`);
  const act = (label: string, path: string, done: string, kind: 'secondary' | 'ghost' = 'secondary') =>
    button(
      label,
      async (e) => {
        if (await busy(e.currentTarget as HTMLButtonElement, () => ctx.api.post(path))) {
          toast(done, 'success');
          reload();
        }
      },
      kind,
    );
  const actions = (g: GoodsItem) => [
    g.auditStatus === 1 ? act('Withdraw review', `/apps/${appid}/goods/${g.id}/withdraw`, 'Review withdrawn') : null,
    g.auditStatus === 0 || g.auditStatus === 3
      ? act('Submit for review', `/apps/${appid}/goods/${g.id}/submit`, 'Submitted for review')
      : null,
    g.auditStatus !== 1 ? h('a', { class: 'btn btn-secondary', href: `#/apps/${appid}/goods/${g.id}/edit`, text: 'Edit' }) : null,
    g.auditStatus === 1 && ctx.account.role === 'operator' ? reviewButtons(ctx, appid, g, reload) : null,
    g.auditStatus !== 1
      ? button(
          'Delete',
          async (e) => {
            if (!(await confirmAction('Delete this product?', `“${g.name}” leaves the library and every room’s shelf.`, 'Delete'))) return;
            if (await busy(e.currentTarget as HTMLButtonElement, () => ctx.api.del(`/apps/${appid}/goods/${g.id}`))) reload();
          },
          'ghost',
        )
      : null,
  ];
  const inReview = goods.filter((g) => g.auditStatus === 1).length;
  const table = goods.length
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
              ' ',
              auditBadge(g.auditStatus),
              h('div', { class: 'price', text: priceText(g) }),
              h('div', { class: 'muted mono small', text: g.url }),
              g.auditStatus === 3 && g.auditReason
                ? h('div', { class: 'field-error', dataset: { reason: '' }, text: `Rejected: ${g.auditReason}` })
                : null,
              h('div', {
                class: 'muted small',
                text: `${g.thirdPartyTag === 0 ? 'Added in the console' : 'Added through the API'} · auditId ${g.auditId ?? '–'}`,
              }),
            ),
            h('div', { class: 'goods-actions' }, actions(g)),
          ),
        ),
      )
    : empty('No products yet', 'Add the products your anchors will show; then put them on a room’s shelf.');
  return h(
    'div',
    { class: 'page' },
    h(
      'header',
      { class: 'page-head' },
      h(
        'div',
        {},
        h('h1', { text: 'Goods' }),
        h('p', {
          class: 'muted',
          text: `${goods.length} product${goods.length === 1 ? '' : 's'} in the library${inReview ? ` · ${inReview} in review` : ''}`,
        }),
      ),
    ),
    card('Library', table),
    card('Add a product', goodsForm(ctx, appid)),
  );
}

/** #/apps/:appid/goods/:gid/edit */
export async function goodsEditPage(ctx: Ctx): Promise<HTMLElement> {
  const appid = ctx.params.appid!;
  const { goods } = await ctx.api.get<{ goods: GoodsItem[] }>(`/apps/${appid}/goods`);
  ctx.setApp(appid);
  const g = goods.find((x) => String(x.id) === ctx.params.gid);
  if (!g)
    return h(
      'div',
      { class: 'page' },
      empty(
        'No such product',
        'It may have been deleted.',
        h('a', { class: 'btn btn-primary', href: `#/apps/${appid}/goods`, text: 'Back to goods' }),
      ),
    );
  return h(
    'div',
    { class: 'page' },
    h('header', { class: 'page-head' }, h('div', {}, h('h1', { text: `Edit ${g.name}` }), h('p', {}, auditBadge(g.auditStatus)))),
    card(
      'Product',
      g.auditStatus === 1 ? h('p', { text: 'This product is in review: withdraw the review to change it.' }) : goodsForm(ctx, appid, g),
    ),
  );
}
