/**
 * The demo shop's fake checkout: a product bought from the goods page is reported to zhibo with the parameters the
 * room page passed (room_id, openid, share_openid) through `@zhibo/client`'s reportOrder(), so the console's numbers
 * show the order, its GMV and who brought the buyer. The thank-you page can give the money back (reportRefund()).
 * The amount comes from the room's shelf (never from the form).
 */
import type { IncomingMessage } from 'node:http';
import { ZhiboApiError, type ZhiboClient } from '@zhibo/client';
import type { LiveInfoGoods } from '@zhibo/protocol';
import { esc, fen } from './html.js';

export interface Answer {
  status: number;
  title: string;
  body: string;
}

/** A small urlencoded form body (≤ 8 KiB). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 8192) break;
  }
  return new URLSearchParams(text.slice(0, 8192));
}

/** What the buyer pays for one: the discounted price, the low end of a range. */
export const payable = (g: LiveInfoGoods): number => (g.price_type === 3 ? g.price2 : g.price);

const failed = (e: unknown): Answer => ({
  status: e instanceof ZhiboApiError ? 400 : 502,
  title: '下单失败 Order failed',
  body: `<div class="empty">The order could not be reported to the live (${esc((e as Error).message)}).</div><p><a class="btn ghost" href="/">Back to the shop</a></p>`,
});

export async function checkout(client: ZhiboClient, f: URLSearchParams, newOrderId: () => string): Promise<Answer> {
  const roomId = Number(f.get('room_id'));
  const goodsId = Number(f.get('goods_id'));
  const room = (await client.allRooms().catch(() => [])).find((r) => r.roomid === roomId);
  const product = room?.goods.find((g) => g.goods_id === goodsId);
  if (!room || !product)
    return {
      status: 404,
      title: 'Not found',
      body: '<div class="empty">This product is not in that live any more. <a href="/">Back to the shop</a></div>',
    };
  const orderId = newOrderId();
  const amount = payable(product);
  try {
    await client.reportOrder({
      order_id: orderId,
      room_id: roomId,
      goods_id: goodsId,
      amount, // time: now (zhibo stamps it)
      ...(f.get('openid') ? { openid: f.get('openid')! } : {}),
      ...(f.get('share_openid') ? { share_openid: f.get('share_openid')! } : {}),
    });
  } catch (e) {
    return failed(e);
  }
  return {
    status: 200,
    title: '下单成功 Thank you',
    body: `<h1>下单成功 · Thank you</h1><p>Order <code id="order-id">${esc(orderId)}</code>: ${esc(product.name)}, <b id="order-amount">${fen(amount)}</b>.
  This demo checkout took no money; the order was reported to the live room's numbers.</p>
  <form method="post" action="/refund"><input type="hidden" name="order_id" value="${esc(orderId)}"><input type="hidden" name="amount" value="${amount}">
  <button class="btn ghost" type="submit" id="refund">退款 Refund (demo)</button></form><p><a class="btn" href="/">继续逛 Back to the shop</a></p>`,
  };
}

export async function refund(client: ZhiboClient, f: URLSearchParams): Promise<Answer> {
  const orderId = f.get('order_id') ?? '';
  const amount = Number(f.get('amount'));
  try {
    await client.reportRefund({ order_id: orderId, amount });
  } catch (e) {
    return failed(e);
  }
  return {
    status: 200,
    title: '已退款 Refunded',
    body: `<h1>已退款 · Refunded</h1><p>Order <code>${esc(orderId)}</code>: ${fen(amount)} back. <a href="/">Back to the shop</a></p>`,
  };
}
