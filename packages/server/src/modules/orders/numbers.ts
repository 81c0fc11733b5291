/**
 * The console's sales numbers of a room: orders, refunds and GMV (net of refunds), conversion (entries → goods taps →
 * orders) during the live and in the replay period, per product, per sharer (last touch, first touch, assisted along
 * the share chain), and the CSV rows of all of it.
 */
import { LiveStatus } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import type { GoodsService } from '../goods/service.js';
import type { InteractionService } from '../realtime/interaction.js';
import type { RoomRow } from '../rooms/sql.js';
import type { RoomService } from '../rooms/service.js';
import { ShareGraph } from './attribution.js';
import type { OrderService } from './service.js';

export type Period = 'live' | 'replay';

export interface PeriodNumbers {
  period: Period;
  /** ms; the replay period has no end */
  from: number | null;
  to: number | null;
  entries: number;
  taps: number;
  orders: number;
  /** fen, net of refunds */
  gmv: number;
}

export interface SharerNumbers {
  openid: string;
  brought: number;
  last: { orders: number; gmv: number };
  first: { orders: number; gmv: number };
  assisted: { orders: number; gmv: number };
}

export interface OrderLine {
  order_id: string;
  time: number;
  period: Period;
  goods_id: number | null;
  openid: string;
  share_openid: string;
  first_touch: string | null;
  last_touch: string | null;
  chain: string[];
  amount: number;
  refunded: number;
}

export interface SalesNumbers {
  orders: number;
  refunds: number;
  buyers: number;
  /** fen */
  gross: number;
  refunded: number;
  gmv: number;
  /** when the live ended (ms; null while it has not): orders after it count in the replay period */
  endedAt: number | null;
  periods: PeriodNumbers[];
  goods: Array<{ goodsId: number; name: string; taps: number; orders: number; gmv: number }>;
  sharers: SharerNumbers[];
  /** every order (the CSV), oldest first */
  lines: OrderLine[];
}

export interface SalesDeps {
  orders: OrderService;
  rooms: RoomService;
  goods: GoodsService;
  interaction: InteractionService;
  clock: Clock;
}

const net = (o: { amount: number; refunded: number }) => o.amount - o.refunded;

async function entriesBetween(d: SalesDeps, roomId: number, from: number, to: number): Promise<number> {
  if (to <= from) return 0;
  const rows = await d.interaction.perBucket('entries', roomId, from, to - 1, to - from);
  return rows.reduce((a, r) => a + r.n, 0);
}

export async function salesNumbers(d: SalesDeps, room: RoomRow): Promise<SalesNumbers> {
  const [orders, refunds, audit, edges] = await Promise.all([
    d.orders.forRoom(room.id),
    d.orders.refundCount(room.id),
    d.rooms.auditLog(room.id),
    d.interaction.shareChain(room.id, 100_000),
  ]);
  const ended = [...audit].reverse().find((e) => e.to_status === LiveStatus.Ended)?.at ?? null;
  const graph = new ShareGraph(edges);
  const periodOf = (t: number): Period => (ended !== null && t >= ended ? 'replay' : 'live');
  const lines: OrderLine[] = orders.map((o) => {
    const t = graph.touches(o.openid, o.share_openid, o.time);
    return {
      order_id: o.order_id,
      time: o.time,
      period: periodOf(o.time),
      goods_id: o.goods_id,
      openid: o.openid,
      share_openid: o.share_openid,
      first_touch: t.first,
      last_touch: t.last,
      chain: t.chain,
      amount: o.amount,
      refunded: o.refunded,
    };
  });
  const far = Math.max(d.clock.now(), ...orders.map((o) => o.time)) + 1;
  const spans: Array<{ period: Period; from: number; to: number }> =
    ended === null
      ? [{ period: 'live', from: 0, to: far }]
      : [
          { period: 'live', from: 0, to: ended },
          { period: 'replay', from: ended, to: far },
        ];
  const periods: PeriodNumbers[] = [];
  const tapsByGoods = new Map<number, number>();
  for (const s of spans) {
    const taps = await d.goods.tapsBetween(room.id, s.from, s.to);
    for (const [g, n] of taps) tapsByGoods.set(g, (tapsByGoods.get(g) ?? 0) + n);
    const mine = lines.filter((l) => l.period === s.period);
    periods.push({
      period: s.period,
      from: s.period === 'replay' ? s.from : null,
      to: s.period === 'live' ? ended : null,
      entries: await entriesBetween(d, room.id, s.from, s.to),
      taps: [...taps.values()].reduce((a, b) => a + b, 0),
      orders: mine.length,
      gmv: mine.reduce((a, l) => a + net(l), 0),
    });
  }
  const names = new Map(((await d.goods.shelves([room.id])).get(room.id) ?? []).map((g) => [g.id, g.name]));
  const goodsIds = new Set<number>([...tapsByGoods.keys(), ...lines.flatMap((l) => (l.goods_id ? [l.goods_id] : []))]);
  const goods = [...goodsIds]
    .map((id) => {
      const mine = lines.filter((l) => l.goods_id === id);
      return {
        goodsId: id,
        name: names.get(id) ?? `#${id}`,
        taps: tapsByGoods.get(id) ?? 0,
        orders: mine.length,
        gmv: mine.reduce((a, l) => a + net(l), 0),
      };
    })
    .sort((a, b) => b.gmv - a.gmv || b.taps - a.taps || a.goodsId - b.goodsId);
  const sharers = new Map<string, SharerNumbers>();
  const sharer = (openid: string) => {
    let s = sharers.get(openid);
    if (!s)
      sharers.set(
        openid,
        (s = {
          openid,
          brought: graph.brought.get(openid) ?? 0,
          last: { orders: 0, gmv: 0 },
          first: { orders: 0, gmv: 0 },
          assisted: { orders: 0, gmv: 0 },
        }),
      );
    return s;
  };
  for (const openid of graph.brought.keys()) sharer(openid);
  for (const l of lines) {
    const v = net(l);
    if (l.last_touch) add(sharer(l.last_touch).last, v);
    if (l.first_touch) add(sharer(l.first_touch).first, v);
    for (const up of l.chain.slice(0, -1)) add(sharer(up).assisted, v);
  }
  return {
    orders: lines.length,
    refunds,
    buyers: new Set(lines.filter((l) => l.openid).map((l) => l.openid)).size,
    gross: lines.reduce((a, l) => a + l.amount, 0),
    refunded: lines.reduce((a, l) => a + l.refunded, 0),
    gmv: lines.reduce((a, l) => a + net(l), 0),
    endedAt: ended,
    periods,
    goods,
    sharers: [...sharers.values()].sort(
      (a, b) => b.last.gmv - a.last.gmv || b.first.gmv - a.first.gmv || b.brought - a.brought || a.openid.localeCompare(b.openid),
    ),
    lines,
  };
}

function add(x: { orders: number; gmv: number }, gmv: number): void {
  x.orders++;
  x.gmv += gmv;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);
type Cell = string | number | null;

/** The sales part of the numbers CSV (blank rows between blocks; amounts in yuan with two decimals). */
export function salesCsvRows(n: SalesNumbers): Cell[][] {
  const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString());
  return [
    ['orders', 'refunds', 'buyers', 'gross_yuan', 'refunded_yuan', 'gmv_yuan', 'live_ended_utc'],
    [n.orders, n.refunds, n.buyers, yuan(n.gross), yuan(n.refunded), yuan(n.gmv), iso(n.endedAt)],
    [],
    ['period', 'entries', 'goods_taps', 'orders', 'gmv_yuan'],
    ...n.periods.map((p) => [p.period, p.entries, p.taps, p.orders, yuan(p.gmv)]),
    [],
    ['goods_id', 'goods_name', 'taps', 'orders', 'gmv_yuan'],
    ...n.goods.map((g) => [g.goodsId, g.name, g.taps, g.orders, yuan(g.gmv)]),
    [],
    [
      'sharer_openid',
      'viewers_brought',
      'orders_last_touch',
      'gmv_last_touch_yuan',
      'orders_first_touch',
      'gmv_first_touch_yuan',
      'orders_assisted',
      'gmv_assisted_yuan',
    ],
    ...n.sharers.map((s) => [
      s.openid,
      s.brought,
      s.last.orders,
      yuan(s.last.gmv),
      s.first.orders,
      yuan(s.first.gmv),
      s.assisted.orders,
      yuan(s.assisted.gmv),
    ]),
    [],
    [
      'order_id',
      'time_utc',
      'period',
      'goods_id',
      'buyer_openid',
      'share_openid',
      'first_touch',
      'last_touch',
      'share_chain',
      'amount_yuan',
      'refunded_yuan',
      'net_yuan',
    ],
    ...n.lines.map((l) => [
      l.order_id,
      iso(l.time),
      l.period,
      l.goods_id,
      l.openid,
      l.share_openid,
      l.first_touch,
      l.last_touch,
      l.chain.join(' > '),
      yuan(l.amount),
      yuan(l.refunded),
      yuan(net(l)),
    ]),
  ];
}
