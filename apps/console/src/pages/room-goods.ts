/** A room's shelf: add from the library, on/off the shelf, reorder, and "present now" (a card to every viewer). */
import { h, priceText } from '../dom.js';
import { busy, button, card, empty, toast } from '../ui.js';
import type { GoodsItem } from './goods.js';
import type { RoomView } from './room.js';

interface ShelfItem extends GoodsItem {
  onSale: boolean;
  sort: number;
}

export async function shelfTab(v: RoomView): Promise<HTMLElement> {
  const { ctx, room } = v;
  const [shelf, lib] = await Promise.all([
    ctx.api.get<{ goods: ShelfItem[]; presented: number | null }>(`/rooms/${room.id}/goods`),
    ctx.api.get<{ goods: GoodsItem[] }>(`/apps/${room.appid}/goods`),
  ]);
  let items = shelf.goods;
  let presented = shelf.presented;
  const list = h('ol', { class: 'shelf', 'aria-label': 'Goods on the shelf' });
  const picker = h('div', { class: 'picker' });
  const canPresent = () => [101, 105].includes(room.status);

  const refresh = async () => {
    const s = await ctx.api.get<{ goods: ShelfItem[]; presented: number | null }>(`/rooms/${room.id}/goods`);
    items = s.goods;
    presented = s.presented;
    render();
  };
  const move = async (i: number, d: number) => {
    const ids = items.map((g) => g.id);
    const [x] = ids.splice(i, 1);
    ids.splice(i + d, 0, x!);
    await ctx.api.put(`/rooms/${room.id}/goods/order`, { ids });
    await refresh();
  };
  const render = () => {
    list.replaceChildren(
      ...(items.length
        ? items.map((g, i) =>
            h(
              'li',
              {
                class: `shelf-item${g.onSale ? '' : ' is-off'}${presented === g.id ? ' is-presented' : ''}`,
                dataset: { goodsId: String(g.id) },
              },
              h('span', { class: 'shelf-pos', text: String(i + 1) }),
              h('img', { class: 'goods-img', src: g.coverImg, alt: '' }),
              h(
                'div',
                { class: 'shelf-main' },
                h('strong', { text: g.name }),
                h('div', { class: 'muted', text: priceText(g) }),
                presented === g.id ? h('span', { class: 'tag tag-live', text: 'Presenting now' }) : null,
                g.onSale ? null : h('span', { class: 'tag', text: 'Off the shelf' }),
              ),
              h(
                'div',
                { class: 'shelf-actions' },
                button('↑', () => void busy(null, () => move(i, -1)), 'ghost', {
                  'aria-label': `Move ${g.name} up`,
                  ...(i === 0 ? { disabled: '' } : {}),
                }),
                button('↓', () => void busy(null, () => move(i, 1)), 'ghost', {
                  'aria-label': `Move ${g.name} down`,
                  ...(i === items.length - 1 ? { disabled: '' } : {}),
                }),
                button(
                  g.onSale ? 'Take off shelf' : 'Put on shelf',
                  (e) =>
                    void busy(e.currentTarget as HTMLButtonElement, async () => {
                      await ctx.api.post(`/rooms/${room.id}/goods/${g.id}/sale`, { onSale: !g.onSale });
                      await refresh();
                    }),
                  'secondary',
                  { 'data-action': 'sale' },
                ),
                presented === g.id
                  ? button(
                      'Stop presenting',
                      (e) =>
                        void busy(e.currentTarget as HTMLButtonElement, async () => {
                          await ctx.api.post(`/rooms/${room.id}/present`, { goodsId: 0 });
                          await refresh();
                        }),
                      'secondary',
                      { 'data-action': 'unpresent' },
                    )
                  : button(
                      'Present now',
                      (e) =>
                        void busy(e.currentTarget as HTMLButtonElement, async () => {
                          await ctx.api.post(`/rooms/${room.id}/present`, { goodsId: g.id });
                          toast(`“${g.name}” is shown to every viewer`, 'success');
                          await refresh();
                        }),
                      'primary',
                      {
                        'data-action': 'present',
                        title: canPresent() ? 'Push this product’s card to every viewer' : 'Viewers see the card once the room is live',
                        ...(g.onSale ? {} : { disabled: '' }),
                      },
                    ),
                button(
                  'Remove',
                  (e) =>
                    void busy(e.currentTarget as HTMLButtonElement, async () => {
                      await ctx.api.del(`/rooms/${room.id}/goods/${g.id}`);
                      await refresh();
                    }),
                  'ghost',
                  { 'data-action': 'remove' },
                ),
              ),
            ),
          )
        : [
            h(
              'li',
              { class: 'shelf-empty' },
              empty(
                'The shelf is empty',
                'Add products from your goods library below. Viewers see on-shelf products in the room page, in this order.',
              ),
            ),
          ]),
    );
    const onShelf = new Set(items.map((g) => g.id));
    const candidates = lib.goods.filter((g) => !onShelf.has(g.id));
    picker.replaceChildren(
      candidates.length
        ? h(
            'div',
            { class: 'stack' },
            h(
              'div',
              { class: 'pick-grid' },
              candidates.map((g) =>
                h(
                  'label',
                  { class: 'pick' },
                  h('input', { type: 'checkbox', value: String(g.id), name: 'pick' }),
                  h('img', { class: 'goods-img small', src: g.coverImg, alt: '' }),
                  h('span', {}, h('strong', { text: g.name }), h('span', { class: 'muted', text: ` ${priceText(g)}` })),
                ),
              ),
            ),
            h(
              'div',
              {},
              button(
                'Add to the shelf',
                (e) =>
                  void busy(e.currentTarget as HTMLButtonElement, async () => {
                    const ids = [...picker.querySelectorAll<HTMLInputElement>('input[name=pick]:checked')].map((c) => Number(c.value));
                    if (!ids.length) return toast('Tick the products to add', 'error');
                    await ctx.api.post(`/rooms/${room.id}/goods`, { ids });
                    await refresh();
                  }),
                'primary',
                { 'data-action': 'add-goods' },
              ),
            ),
          )
        : h('p', {
            class: 'muted',
            text: lib.goods.length ? 'Every product of the library is on this shelf.' : 'Your goods library is empty.',
          }),
    );
  };
  render();
  return h(
    'div',
    { class: 'stack' },
    room.closeGoods ? h('div', { class: 'notice', text: 'The goods shelf is switched off for this room: viewers do not see it.' }) : null,
    card(
      'Shelf',
      h('p', { class: 'hint', text: '“Present now” pushes the product’s card to every viewer at once, like the anchor pointing at it.' }),
      list,
    ),
    card(
      h('span', {}, 'Add from the library ', h('a', { class: 'small', href: `#/apps/${room.appid}/goods`, text: 'Manage goods ›' })),
      picker,
    ),
  );
}
