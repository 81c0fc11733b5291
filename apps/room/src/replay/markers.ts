/**
 * The replay's shop window: the 看点 strip (one card per marker: the product, when it was explained, "看讲解" to jump
 * there, its explanation clip, "去购买"), the "讲解中" card while the playhead is inside a marker, and the clip player.
 */
import type { LiveInfoGoods, ReplayMarker } from '@zhibo/protocol';
import { formatCountdown, priceLabel } from '@zhibo/sdk';
import { h, icon, img } from '../dom.js';
import { ICONS } from '../icons.js';

export const clock = (sec: number): string => formatCountdown(sec * 1000);

function price(g: LiveInfoGoods): HTMLElement {
  const p = priceLabel(g);
  return h(
    'span',
    { class: 'zb-price' },
    h('span', { class: 'zb-price-now', text: p.now }),
    p.was ? h('s', { class: 'zb-price-was', text: p.was }) : null,
  );
}

export interface MarkerActions {
  jump(m: ReplayMarker): void;
  buy(g: LiveInfoGoods): void;
  clip(m: ReplayMarker): void;
}

export class MarkerStrip {
  readonly el = h('section', { class: 'zb-rp-markers', 'aria-label': '看点 Highlights' });
  private readonly list = h('ol', { class: 'zb-rp-marker-list' });
  private cards: HTMLElement[] = [];

  constructor(
    private readonly markers: ReplayMarker[],
    private readonly act: MarkerActions,
    extra: HTMLElement,
  ) {
    this.el.append(
      h('header', { class: 'zb-rp-markers-head' }, h('span', { class: 'zb-rp-markers-title', text: `看点 · ${markers.length}` }), extra),
      this.list,
    );
    this.cards = markers.map((m) => this.card(m));
    this.list.replaceChildren(...this.cards);
    if (!markers.length) this.list.append(h('li', { class: 'zb-rp-empty', text: '这场直播没有讲解商品 · No product was explained' }));
  }

  private card(m: ReplayMarker): HTMLElement {
    const g = m.goods;
    const jump = h(
      'button',
      { class: 'zb-rp-jump', type: 'button', 'aria-label': `看讲解 ${clock(m.start)}` },
      icon(ICONS.play, 'zb-icon zb-icon-sm'),
      `看讲解 ${clock(m.start)}`,
    );
    jump.addEventListener('click', (e) => {
      e.stopPropagation();
      this.act.jump(m);
    });
    const thumb = h('span', { class: 'zb-rp-thumb' }, img(g?.cover_img ?? '', g?.name ?? '', 'zb-rp-cover'));
    if (m.clip_url) {
      const clipBtn = h('button', { class: 'zb-rp-clip', type: 'button', 'aria-label': '讲解视频 Explanation clip' }, icon(ICONS.play));
      clipBtn.addEventListener('click', (e) => {
        e.stopPropagation();
        this.act.clip(m);
      });
      thumb.append(clipBtn);
    }
    const buy = g ? h('button', { class: 'zb-buy zb-rp-buy', type: 'button', text: '去购买' }) : null;
    buy?.addEventListener('click', (e) => {
      e.stopPropagation();
      this.act.buy(g!);
    });
    const li = h(
      'li',
      { class: 'zb-rp-marker', 'data-goods-id': m.goods_id, 'data-marker-id': m.id },
      thumb,
      h(
        'span',
        { class: 'zb-rp-info' },
        h('span', { class: 'zb-rp-name', text: g?.name ?? `商品 ${m.goods_id}` }),
        h('span', { class: 'zb-rp-when', text: `${clock(m.start)}–${clock(m.end)}` }),
        h('span', { class: 'zb-rp-foot' }, g ? price(g) : null, buy),
      ),
      jump,
    );
    li.addEventListener('click', () => this.act.jump(m));
    return li;
  }

  /** Mark the card of the marker being played (and bring it into view). */
  setCurrent(m: ReplayMarker | null): void {
    this.cards.forEach((c, i) => {
      const on = this.markers[i] === m;
      if (on && !c.classList.contains('zb-rp-is-now')) c.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior: 'smooth' });
      c.classList.toggle('zb-rp-is-now', on);
    });
  }
}

/** "讲解中": the product being explained at the playhead. */
export class NowCard {
  readonly el = h('div', { class: 'zb-rp-now', hidden: true, 'aria-live': 'polite' });
  private shown: ReplayMarker | null = null;

  constructor(private readonly buy: (g: LiveInfoGoods) => void) {}

  set(m: ReplayMarker | null): void {
    if (m === this.shown) return;
    this.shown = m;
    const g = m?.goods;
    if (!m || !g) {
      this.el.hidden = true;
      delete this.el.dataset.goodsId;
      return;
    }
    const go = h('button', { class: 'zb-present-go', type: 'button', text: '去购买' });
    go.addEventListener('click', () => this.buy(g));
    this.el.dataset.goodsId = String(m.goods_id);
    this.el.replaceChildren(
      img(g.cover_img, g.name, 'zb-present-cover'),
      h(
        'span',
        { class: 'zb-present-info' },
        h('span', { class: 'zb-tag-live', text: '讲解中 · 回放' }),
        h('span', { class: 'zb-present-name', text: g.name }),
        price(g),
      ),
      go,
    );
    this.el.hidden = false;
  }
}

/** A product's explanation clip in a sheet over the replay (the replay pauses). */
export class ClipPlayer {
  readonly el = h('div', { class: 'zb-rp-clipbox', hidden: true, role: 'dialog', 'aria-label': '讲解视频 Explanation clip' });
  private readonly video = h('video', { class: 'zb-rp-clip-video', controls: true, playsinline: true, preload: 'metadata' });
  private readonly title = h('span', { class: 'zb-rp-clip-title' });

  constructor() {
    const close = h('button', { class: 'zb-sheet-close zb-rp-clip-close', type: 'button', 'aria-label': '关闭 Close' }, icon(ICONS.close));
    close.addEventListener('click', () => this.close());
    this.el.append(h('div', { class: 'zb-rp-clip-card' }, h('header', { class: 'zb-rp-clip-head' }, this.title, close), this.video));
    this.el.addEventListener('click', (e) => {
      if (e.target === this.el) this.close();
    });
  }

  open(m: ReplayMarker): void {
    if (!m.clip_url) return;
    this.title.textContent = `讲解视频 · ${m.goods?.name ?? ''}`;
    this.video.src = m.clip_url;
    this.el.hidden = false;
    void this.video.play().catch(() => undefined);
  }

  close(): void {
    this.video.pause();
    this.el.hidden = true;
  }
}
