/** The shelf sheet: the room's on-sale products; "present" pushes a product's card to every viewer (0 stops). */
import { type AnchorRoom, AnchorRoutes, type RealtimeGoods } from '@zhibo/protocol';
import { ApiError, call } from './api.js';
import { h, show } from './dom.js';

const price = (g: RealtimeGoods) => {
  const y = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
  return g.price_type === 2 ? `${y(g.price)} – ${y(g.price2)}` : g.price_type === 3 ? `${y(g.price2)} (原价 ${y(g.price)})` : y(g.price);
};

export class ShelfSheet {
  readonly el = h('div', { class: 'an-sheet', hidden: true, role: 'dialog', 'aria-label': '商品 · Products' });
  private goods: RealtimeGoods[];
  presented: number | null = null;

  constructor(
    private readonly room: AnchorRoom,
    private readonly onError: (message: string) => void,
  ) {
    this.goods = room.goods;
  }

  async open(): Promise<void> {
    try {
      this.goods = (await call<AnchorRoom>('GET', AnchorRoutes.room(this.room.roomId))).goods;
    } catch {
      // keep the list we have
    }
    this.render();
    show(this.el, true);
  }

  close(): void {
    show(this.el, false);
  }

  setPresented(id: number | null): void {
    if (id === this.presented) return;
    this.presented = id;
    if (!this.el.hidden) this.render();
  }

  private async present(goodsId: number): Promise<void> {
    try {
      const r = await call<{ presented: number | null }>('POST', AnchorRoutes.present(this.room.roomId), { goodsId });
      this.presented = r.presented;
      this.render();
    } catch (e) {
      this.onError((e as ApiError).message);
    }
  }

  private render(): void {
    const items = this.goods.map((g) => {
      const on = this.presented === g.goods_id;
      return h(
        'li',
        { class: `an-goods${on ? ' is-presented' : ''}`, 'data-goods-id': g.goods_id },
        /^https?:\/\//.test(g.cover_img)
          ? h('img', { src: g.cover_img, alt: '', referrerpolicy: 'no-referrer' })
          : h('span', { class: 'an-goods-img' }),
        h('div', { class: 'an-goods-main' }, h('strong', { text: g.name }), h('span', { text: price(g) })),
        h('button', {
          type: 'button',
          class: `an-btn ${on ? '' : 'an-btn-primary'}`,
          'data-action': on ? 'unpresent' : 'present',
          onclick: () => void this.present(on ? 0 : g.goods_id),
          text: on ? '停止讲解 · Stop' : '讲解 · Present',
        }),
      );
    });
    this.el.replaceChildren(
      h(
        'div',
        { class: 'an-sheet-head' },
        h('strong', { text: '商品 · Products' }),
        h('button', { type: 'button', class: 'an-btn', 'data-action': 'close-shelf', onclick: () => this.close(), text: '关闭 · Close' }),
      ),
      this.room.closeGoods
        ? h('p', { class: 'an-muted', text: '这个直播间关闭了商品货架 · The shelf is off for this room' })
        : items.length
          ? h('ol', { class: 'an-goods-list' }, ...items)
          : h('p', { class: 'an-muted', text: '货架上没有在售商品（在控制台添加）· No products on sale: add them in the console' }),
    );
  }
}
