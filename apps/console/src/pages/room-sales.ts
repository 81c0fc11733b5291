/**
 * Sales traced to the live (issue 15), part of a room's numbers: orders and GMV (net of refunds) the merchant reported,
 * conversion from entries to goods taps to orders during the live and in the replay period, per product, and per sharer
 * along the share chain (last touch, first touch, assisted).
 */
import { h, fen, fmtCount, fmtTime } from '../dom.js';
import { card, stat } from '../ui.js';

export interface Sales {
  orders: number;
  refunds: number;
  buyers: number;
  gross: number;
  refunded: number;
  gmv: number;
  endedAt: number | null;
  periods: Array<{ period: 'live' | 'replay'; entries: number; taps: number; orders: number; gmv: number }>;
  goods: Array<{ goodsId: number; name: string; taps: number; orders: number; gmv: number }>;
  sharers: Array<{
    openid: string;
    brought: number;
    last: { orders: number; gmv: number };
    first: { orders: number; gmv: number };
    assisted: { orders: number; gmv: number };
  }>;
  lines: Array<{
    order_id: string;
    time: number;
    period: string;
    goods_id: number | null;
    openid: string;
    chain: string[];
    amount: number;
    refunded: number;
  }>;
}

const short = (openid: string) => (openid ? `${openid.slice(0, 6)}…${openid.slice(-4)}` : '—');
const rate = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : '—');
const PERIOD = { live: 'During the live', replay: 'Replay period (after the end)' } as const;

function table(head: string[], rows: Array<Array<string | HTMLElement>>, cls = ''): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: `table small ${cls}` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((t) => h('th', { text: t })),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((c) => (typeof c === 'string' ? h('td', { text: c }) : h('td', {}, c))),
          ),
        ),
      ),
    ),
  );
}

export function salesSection(s: Sales, goodsName: (id: number | null) => string): HTMLElement {
  const none = h('p', {
    class: 'muted',
    text: 'No order yet. Your server reports orders with reportOrder() of @zhibo/client (or POST /wxaapi/broadcast/order/report), passing back the room_id, openid and share_openid the room page gave your goods page.',
  });
  return h(
    'section',
    { class: 'stack', 'data-section': 'sales' },
    h('h2', { class: 'section-title', text: 'Sales traced to the live' }),
    h(
      'div',
      { class: 'stat-grid' },
      stat('Orders', fmtCount(s.orders)),
      stat('GMV (net of refunds)', fen(s.gmv)),
      stat('Refunded', fen(s.refunded), `${s.refunds} refund${s.refunds === 1 ? '' : 's'}`),
      stat('Buyers', fmtCount(s.buyers)),
      stat(
        'Conversion',
        rate(
          s.orders,
          s.periods.reduce((a, p) => a + p.entries, 0),
        ),
        'orders per entry',
      ),
    ),
    card(
      'Conversion: entries → goods taps → orders',
      table(
        ['Period', 'Entries', 'Goods taps', 'Orders', 'GMV', 'Taps per entry', 'Orders per tap'],
        s.periods.map((p) => [
          PERIOD[p.period],
          fmtCount(p.entries),
          fmtCount(p.taps),
          fmtCount(p.orders),
          fen(p.gmv),
          rate(p.taps, p.entries),
          rate(p.orders, p.taps),
        ]),
        'sales-periods',
      ),
      s.endedAt
        ? h('p', { class: 'hint', text: `Orders after ${fmtTime(s.endedAt)} (the end of the live) count in the replay period.` })
        : null,
    ),
    h(
      'div',
      { class: 'cols even' },
      card(
        'Sales per product',
        s.goods.length
          ? table(
              ['Product', 'Taps', 'Orders', 'GMV'],
              s.goods.map((g) => [g.name, fmtCount(g.taps), fmtCount(g.orders), fen(g.gmv)]),
              'sales-goods',
            )
          : none,
      ),
      card(
        'Sales per sharer',
        s.sharers.length
          ? h(
              'div',
              {},
              table(
                ['Sharer', 'Brought in', 'Last touch', 'First touch', 'Assisted'],
                s.sharers.map((x) => [
                  h('span', { class: 'mono', text: short(x.openid), title: x.openid }),
                  fmtCount(x.brought),
                  `${x.last.orders} · ${fen(x.last.gmv)}`,
                  `${x.first.orders} · ${fen(x.first.gmv)}`,
                  `${x.assisted.orders} · ${fen(x.assisted.gmv)}`,
                ]),
                'sales-sharers',
              ),
              h('p', {
                class: 'hint',
                text: 'Last touch: the share the buyer came through before ordering. First touch: who first brought them. Assisted: sharers further up the chain (who brought the sharer).',
              }),
            )
          : h('p', { class: 'muted', text: 'Orders of viewers who came through a share card are credited to their sharers here.' }),
      ),
    ),
    card(
      'Orders',
      s.lines.length
        ? table(
            ['When', 'Order', 'Product', 'Buyer', 'Share chain', 'Amount', 'Refunded'],
            s.lines
              .slice(-100)
              .reverse()
              .map((l) => [
                fmtTime(l.time),
                h('span', { class: 'mono', text: l.order_id }),
                goodsName(l.goods_id),
                h('span', { class: 'mono', text: short(l.openid) }),
                l.chain.length ? l.chain.map(short).join(' → ') : '—',
                fen(l.amount),
                l.refunded ? fen(l.refunded) : '—',
              ]),
            'sales-orders',
          )
        : none,
    ),
  );
}
