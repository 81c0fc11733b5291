/** The product form (add, or edit under WeChat's review rules): name, image, price type fixed / range / discount, page path. */
import { h } from '../dom.js';
import { Form, imageField, input, radioValue, segmented } from '../form.js';
import type { Ctx } from '../shell.js';
import { toast } from '../ui.js';
import type { GoodsItem } from './goods.js';

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** `g` given: an edit form (PUT); approved goods may change prices only, so the other fields are read-only then. */
export function goodsForm(ctx: Ctx, appid: string, g?: GoodsItem): HTMLFormElement {
  const pricesOnly = g?.auditStatus === 2;
  const form = new Form(
    async (f) => {
      if (img.pending()) return toast('Wait for the image upload to finish', 'error');
      const v = (n: string) => (f.el.elements.namedItem(n) as HTMLInputElement).value.trim();
      const priceType = Number(radioValue(f.el, 'priceType') || 1);
      const body = {
        name: v('name'),
        coverImg: img.value(),
        priceType,
        price: v('price'),
        price2: priceType === 1 ? undefined : v('price2'),
        url: v('url'),
      };
      if (g) await ctx.api.put(`/apps/${appid}/goods/${g.id}`, body);
      else await ctx.api.post(`/apps/${appid}/goods`, body);
      toast(g ? 'Product saved' : 'Product added', 'success');
      ctx.go(`#/apps/${appid}/goods`);
    },
    { 'aria-label': g ? 'Edit the product' : 'Add a product' },
  );
  const img = imageField(ctx.api, appid, form, 'coverImg', {
    label: 'Product image',
    maxBytes: 2 * 1024 * 1024,
    current: g?.coverImg,
    hint: 'Square, 300×300 or larger; PNG/JPEG/GIF/WebP, at most 2 MB.',
    shape: 'square',
  });
  const price2Field = form.field(
    'price2',
    'Second price (¥)',
    input('price2', { inputmode: 'decimal', placeholder: '59.90', value: g && g.priceType !== 1 ? yuan(g.price2) : undefined }),
  );
  const priceLabel = h('span', { text: 'Price (¥)' });
  const types = segmented(
    'priceType',
    [
      ['1', 'Fixed price'],
      ['2', 'Price range'],
      ['3', 'Discount'],
    ],
    String(g?.priceType ?? 1),
  );
  const syncType = () => {
    const t = radioValue(form.el, 'priceType') || '1';
    price2Field.hidden = t === '1';
    priceLabel.textContent = t === '2' ? 'Lowest price (¥)' : t === '3' ? 'Original price (¥)' : 'Price (¥)';
    price2Field.querySelector('label')!.textContent = t === '2' ? 'Highest price (¥)' : 'Discounted price (¥)';
  };
  types.addEventListener('change', syncType);
  const priceField = form.field(
    'price',
    'Price (¥)',
    input('price', { inputmode: 'decimal', placeholder: '99.00', value: g ? yuan(g.price) : undefined }),
    'Yuan with at most two decimals, e.g. 11.00',
  );
  priceField.querySelector('label')!.replaceChildren(priceLabel);
  const name = input('name', { maxlength: 28, placeholder: '明前龙井 250g', value: g?.name, readonly: pricesOnly });
  const url = input('url', { placeholder: 'pages/goods/detail?id=1', value: g?.url, readonly: pricesOnly });
  form.add(
    pricesOnly
      ? h('p', {
          class: 'hint',
          text: 'This product is approved: as on WeChat, only its prices can change. Other changes need a new review.',
        })
      : null,
    h(
      'div',
      { class: 'grid-2' },
      form.field('name', 'Product name', name, 'At most 14 Chinese characters (28 letters).'),
      form.field(
        'url',
        'Product page',
        url,
        'The path of the product’s page on your site; the goods page base URL in App settings goes in front.',
      ),
    ),
    form.field('priceType', 'Price type', types),
    h('div', { class: 'grid-2' }, priceField, price2Field),
    pricesOnly ? null : img.el,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', text: g ? 'Save product' : 'Add product' }),
    ),
  );
  syncType();
  return form.el;
}
