/** The goods shelf (a bottom sheet on phones, a side list on desktop) and the "presenting now" card. */
import type { LiveInfoGoods } from '@zhibo/protocol';
import { priceLabel } from '@zhibo/sdk';
import { h, icon, img } from './dom.js';
import { ICONS } from './icons.js';
import { T } from './text.js';

function price(g: LiveInfoGoods): HTMLElement {
  const p = priceLabel(g);
  return h(
    'span',
    { class: 'zb-price' },
    h('span', { class: 'zb-price-now', text: p.now }),
    p.was ? h('s', { class: 'zb-price-was', text: p.was }) : null,
  );
}

export class Shelf {
  readonly el: HTMLElement;
  readonly backdrop = h('div', { class: 'zb-backdrop', hidden: true });
  readonly bagButton: HTMLButtonElement;
  private readonly list = h('ol', { class: 'zb-goods-list' });
  private readonly title = h('span', { class: 'zb-sheet-title', text: T.allGoods });
  private readonly badge = h('span', { class: 'zb-bag-count', text: '0' });
  private goods: LiveInfoGoods[] = [];
  private presentedId = 0;

  constructor(private readonly onPick: (g: LiveInfoGoods) => void) {
    const close = h('button', { class: 'zb-sheet-close', type: 'button', 'aria-label': T.close }, icon(ICONS.close));
    close.addEventListener('click', () => this.open(false));
    this.backdrop.addEventListener('click', () => this.open(false));
    this.el = h(
      'section',
      { class: 'zb-sheet', 'aria-label': T.goods, 'data-open': 'false' },
      h('header', { class: 'zb-sheet-head' }, h('span', { class: 'zb-sheet-grip' }), this.title, close),
      this.list,
    );
    this.bagButton = h('button', { class: 'zb-bag', type: 'button', 'aria-label': T.goods }, icon(ICONS.bag), this.badge);
    this.bagButton.addEventListener('click', () => this.open(true));
  }

  get isOpen(): boolean {
    return this.el.dataset.open === 'true';
  }

  open(on: boolean): void {
    this.el.dataset.open = String(on);
    this.backdrop.hidden = !on;
  }

  set(goods: LiveInfoGoods[], presentedId = this.presentedId): void {
    this.goods = goods;
    this.presentedId = presentedId;
    this.title.textContent = `${T.allGoods} · ${goods.length}`;
    this.badge.textContent = String(goods.length);
    this.bagButton.hidden = goods.length === 0;
    this.list.replaceChildren(
      ...goods.map((g, i) => {
        const buy = h('button', { class: 'zb-buy', type: 'button', text: T.buy });
        const li = h(
          'li',
          {
            class: `zb-goods${g.goods_id === presentedId ? ' zb-goods-presented' : ''}`,
            'data-goods-id': g.goods_id,
            tabindex: 0,
            role: 'button',
          },
          h(
            'span',
            { class: 'zb-goods-thumb' },
            img(g.cover_img, g.name, 'zb-goods-cover'),
            h('span', { class: 'zb-goods-no', text: String(i + 1) }),
          ),
          h(
            'span',
            { class: 'zb-goods-info' },
            g.goods_id === presentedId ? h('span', { class: 'zb-tag-live', text: T.presenting }) : null,
            h('span', { class: 'zb-goods-name', text: g.name }),
            h('span', { class: 'zb-goods-foot' }, price(g), buy),
          ),
        );
        li.addEventListener('click', () => this.onPick(g));
        li.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') this.onPick(g);
        });
        return li;
      }),
    );
    if (!goods.length) this.list.append(h('li', { class: 'zb-goods-empty', text: T.noGoods }));
  }

  setPresented(id: number): void {
    if (id !== this.presentedId) this.set(this.goods, id);
  }
}

export class PresentCard {
  readonly el = h('div', { class: 'zb-present', hidden: true, 'aria-live': 'polite' });
  private current: LiveInfoGoods | null = null;

  constructor(private readonly onPick: (g: LiveInfoGoods) => void) {
    this.el.addEventListener('click', (e) => {
      if ((e.target as Element).closest('.zb-present-close')) {
        this.el.hidden = true;
        return;
      }
      if (this.current) this.onPick(this.current);
    });
  }

  set(g: LiveInfoGoods | null): void {
    const same = g && this.current && g.goods_id === this.current.goods_id;
    this.current = g;
    if (!g) {
      this.el.hidden = true;
      return;
    }
    if (same && !this.el.hidden) return;
    this.el.replaceChildren(
      img(g.cover_img, g.name, 'zb-present-cover'),
      h(
        'span',
        { class: 'zb-present-info' },
        h('span', { class: 'zb-tag-live', text: T.presenting }),
        h('span', { class: 'zb-present-name', text: g.name }),
        price(g),
      ),
      h('span', { class: 'zb-present-go', text: T.look }),
      h('button', { class: 'zb-present-close', type: 'button', 'aria-label': T.close }, icon(ICONS.close)),
    );
    this.el.hidden = false;
    this.el.classList.remove('zb-in');
    void this.el.offsetWidth; // not a promise: forces a reflow so the animation restarts
    this.el.classList.add('zb-in');
  }
}
