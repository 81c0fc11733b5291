/** Sharing (S-ENTRY-1/-2): the code image and poster (type=9), the article-card link (type=10), a plain link — with custom params. */
import { h } from '../dom.js';
import { Form, input } from '../form.js';
import { addressNote, type PublicAddress } from '../address.js';
import { card, copyField } from '../ui.js';
import type { RoomView } from './room.js';

interface Share {
  qrUrl: string;
  posterUrl: string;
  codeLink: string;
  articleLink: string;
  plainLink: string;
  pagePath: string;
  address: PublicAddress;
}

export async function shareTab(v: RoomView): Promise<HTMLElement> {
  const { ctx, room } = v;
  const out = h('div', { class: 'stack' });
  const render = (s: Share) =>
    out.replaceChildren(
      addressNote(s.address, 'links'),
      h(
        'div',
        { class: 'share-grid' },
        h(
          'div',
          { class: 'qr-box' },
          h('img', { class: 'qr', src: s.qrUrl, alt: `Code for room ${room.id}`, width: '215', height: '215' }),
          h(
            'div',
            { class: 'row-gap' },
            h('a', { class: 'btn btn-secondary', href: s.qrUrl, download: `room-${room.id}-code.png`, text: 'Download code' }),
            h('a', { class: 'btn btn-primary', href: s.posterUrl, download: `room-${room.id}-poster.png`, text: 'Download poster' }),
            h('a', {
              class: 'btn btn-ghost',
              href: s.posterUrl.replace(/\.png(\?|$)/, '.jpg$1'),
              download: `room-${room.id}-poster.jpg`,
              text: 'JPEG',
            }),
          ),
        ),
        h(
          'div',
          { class: 'stack' },
          copyField('Code link (type=9, counted as “code”)', s.codeLink, {
            name: 'code-link',
            hint: 'What the code opens. Print it on posters, flyers, packaging.',
          }),
          copyField('Article card link (type=10, counted as “article”)', s.articleLink, {
            name: 'article-link',
            hint: 'Put it in an official-account article or newsletter card.',
          }),
          copyField('Plain link', s.plainLink, { name: 'plain-link', hint: 'Anywhere else; counted as a direct entry.' }),
          copyField('Plugin page path', s.pagePath, {
            name: 'page-path',
            hint: 'For code written for WeChat: navigateTo({url}) with this path reaches the room page through the SDK.',
          }),
        ),
      ),
    );
  const form = new Form(
    async (f) => {
      const custom = (f.el.elements.namedItem('customParams') as HTMLInputElement).value.trim();
      render(await ctx.api.get<Share>(`/rooms/${room.id}/share?customParams=${encodeURIComponent(custom)}`));
    },
    { 'aria-label': 'Custom params' },
  );
  form.add(
    h(
      'div',
      { class: 'inline-form' },
      form.field(
        'customParams',
        'Custom params (JSON, optional)',
        input('customParams', { placeholder: '{"source": "flyer", "pid": 1}', class: 'input mono', spellcheck: 'false' }),
        'Carried into the room and on to your goods and home pages as custom_params. At most 600 characters.',
      ),
      h('button', { type: 'submit', class: 'btn btn-secondary', text: 'Update links' }),
    ),
  );
  render(await ctx.api.get<Share>(`/rooms/${room.id}/share`));
  return h('div', { class: 'stack' }, card('Share this room', form.el, out));
}
