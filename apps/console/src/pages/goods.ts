/** The goods library (WeChat's goods API): name, image, price type fixed / range / discount, page path. */
import { h, priceText } from '../dom.js';
import { Form, imageField, input, radioValue, segmented } from '../form.js';
import type { Ctx } from '../shell.js';
import { busy, button, card, confirmAction, empty, toast } from '../ui.js';

export interface GoodsItem {
  id: number;
  name: string;
  coverImg: string;
  priceType: number;
  price: number;
  price2: number;
  url: string;
  auditStatus: number;
}

export async function goodsPage(ctx: Ctx): Promise<HTMLElement> {
  const appid = ctx.params.appid!;
  const { goods } = await ctx.api.get<{ goods: GoodsItem[] }>(`/apps/${appid}/goods`);
  ctx.setApp(appid);
  const form = new Form(async (f) => {
    if (img.pending()) return toast('Wait for the image upload to finish', 'error');
    const v = (n: string) => (f.el.elements.namedItem(n) as HTMLInputElement).value.trim();
    const priceType = Number(radioValue(f.el, 'priceType') || 1);
    await ctx.api.post(`/apps/${appid}/goods`, { name: v('name'), coverImg: img.value(), priceType, price: v('price'), price2: priceType === 1 ? undefined : v('price2'), url: v('url') });
    toast('Product added', 'success');
    ctx.go(`#/apps/${appid}/goods`);
  }, { 'aria-label': 'Add a product' });
  const img = imageField(ctx.api, appid, form, 'coverImg', { label: 'Product image', maxBytes: 2 * 1024 * 1024, hint: 'Square, 300×300 or larger; PNG/JPEG/GIF/WebP, at most 2 MB.', shape: 'square' });
  const price2Field = form.field('price2', 'Second price (¥)', input('price2', { inputmode: 'decimal', placeholder: '59.90' }));
  const priceLabel = h('span', { text: 'Price (¥)' });
  const types = segmented('priceType', [['1', 'Fixed price'], ['2', 'Price range'], ['3', 'Discount']], '1');
  const syncType = () => {
    const t = radioValue(form.el, 'priceType') || '1';
    price2Field.hidden = t === '1';
    priceLabel.textContent = t === '2' ? 'Lowest price (¥)' : t === '3' ? 'Original price (¥)' : 'Price (¥)';
    price2Field.querySelector('label')!.textContent = t === '2' ? 'Highest price (¥)' : 'Discounted price (¥)';
  };
  types.addEventListener('change', syncType);
  const priceField = form.field('price', 'Price (¥)', input('price', { inputmode: 'decimal', placeholder: '99.00' }), 'Yuan with at most two decimals, e.g. 11.00');
  priceField.querySelector('label')!.replaceChildren(priceLabel);
  form.add(
    h('div', { class: 'grid-2' },
      form.field('name', 'Product name', input('name', { maxlength: 28, placeholder: '明前龙井 250g' }), 'At most 14 Chinese characters (28 letters).'),
      form.field('url', 'Product page', input('url', { placeholder: 'pages/goods/detail?id=1' }), 'The path of the product’s page on your site; the goods page base URL in App settings goes in front.')),
    form.field('priceType', 'Price type', types),
    h('div', { class: 'grid-2' }, priceField, price2Field),
    img.el,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Add product' })));
  syncType();

  const table = goods.length
    ? h('div', { class: 'goods-grid' }, goods.map((g) => h('div', { class: 'goods-card', dataset: { goodsId: String(g.id) } },
      h('img', { class: 'goods-img', src: g.coverImg, alt: '' }),
      h('div', { class: 'goods-body' }, h('strong', { text: g.name }), h('div', { class: 'price', text: priceText(g) }), h('div', { class: 'muted mono small', text: g.url })),
      button('Delete', async (e) => {
        if (!(await confirmAction('Delete this product?', `“${g.name}” leaves the library and every room’s shelf.`, 'Delete'))) return;
        if (await busy(e.currentTarget as HTMLButtonElement, () => ctx.api.del(`/apps/${appid}/goods/${g.id}`))) ctx.go(`#/apps/${appid}/goods`);
      }, 'ghost'))))
    : empty('No products yet', 'Add the products your anchors will show; then put them on a room’s shelf.');
  return h('div', { class: 'page' },
    h('header', { class: 'page-head' }, h('div', {}, h('h1', { text: 'Goods' }), h('p', { class: 'muted', text: `${goods.length} product${goods.length === 1 ? '' : 's'} in the library` }))),
    card('Library', table),
    card('Add a product', form.el));
}
