/**
 * Highlights (看点) after the live (issue 15): the one replay of the live, the markers the presents made (product,
 * start, end) and their explanation clips. The merchant moves a marker (its clip is cut again), adds one for a product
 * explained without a present, or deletes one. Times are typed as m:ss (or taken from the player).
 */
import { h, fmtDuration } from '../dom.js';
import { busy, button, card, confirmAction, toast } from '../ui.js';
import type { RoomView } from './room.js';

interface Marker {
  id: number;
  goods_id: number;
  name: string;
  start: number;
  end: number;
  origin: 'live' | 'merchant';
  edited: boolean;
  clip: { status: 'pending' | 'ready' | 'failed'; url: string | null; duration: number | null; error: string };
}

interface Highlights {
  state: 'none' | 'preparing' | 'ready' | 'closed' | 'failed';
  media_url: string | null;
  duration_sec: number | null;
  error: string;
  markers: Marker[];
  goods: Array<{ goods_id: number; name: string }>;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** 83.4 → "1:23.4" */
export function fmtMark(sec: number): string {
  const tenths = Math.round(sec * 10);
  const s = Math.floor(tenths / 10);
  const frac = tenths % 10 ? `.${tenths % 10}` : '';
  return s >= 3600
    ? `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}${frac}`
    : `${Math.floor(s / 60)}:${pad(s % 60)}${frac}`;
}
/** "1:23.4", "83.4", "1:02:03" → seconds (NaN when it is not a time) */
export function parseMark(v: string): number {
  const m = /^\s*(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)\s*$/.exec(v);
  if (!m) return NaN;
  const parts = [m[1], m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
  return parts.reduce((a, x) => a * 60 + x, 0);
}

const CLIP: Record<Marker['clip']['status'], string> = { pending: 'Cutting…', ready: 'Ready', failed: 'Failed' };

export async function highlightsCard(v: RoomView): Promise<HTMLElement> {
  const { ctx, room } = v;
  const body = h('div', { class: 'stack highlights' });
  const box = card(h('span', {}, 'Highlights (看点) and explanation clips'), body);
  let timer: ReturnType<typeof setTimeout> | undefined;
  ctx.onDispose(() => clearTimeout(timer));

  const render = (d: Highlights) => {
    if (d.state !== 'ready' || !d.media_url) {
      const say = {
        none: 'After the live ends, its segments become one replay here, with a marker for every product the anchor presented.',
        preparing: 'The replay is being put together (seconds after the end)…',
        closed: 'This room shows no replay (or it expired).',
        failed: `The segments could not be joined into one replay (${d.error || 'unknown error'}); each segment still plays below.`,
        ready: '',
      }[d.state];
      body.replaceChildren(h('p', { class: 'muted', text: say }));
      return;
    }
    const video = h('video', { class: 'highlights-video', src: d.media_url, controls: true, preload: 'metadata', playsinline: true });
    const goodsSelect = (value: number) =>
      h(
        'select',
        { class: 'input', name: 'goods_id', 'aria-label': 'Product' },
        d.goods.map((g) => h('option', { value: String(g.goods_id), selected: g.goods_id === value, text: g.name })),
      );
    const timeInput = (name: string, sec: number) =>
      h('input', {
        class: 'input mono time-input',
        name,
        value: fmtMark(sec),
        inputmode: 'decimal',
        'aria-label': name === 'start' ? 'Start' : 'End',
      });
    const nowBtn = (input: HTMLInputElement) =>
      button('◷', () => (input.value = fmtMark(video.currentTime)), 'ghost', {
        title: 'Take the player’s time',
        'aria-label': 'Take the player’s time',
      });
    const save = async (btn: HTMLButtonElement, call: () => Promise<unknown>, done: string) => {
      await busy(btn, async () => {
        await call();
        toast(done, 'success');
        await refresh();
      });
    };
    const rows = d.markers.map((m) => {
      const gs = goodsSelect(m.goods_id);
      const st = timeInput('start', m.start);
      const en = timeInput('end', m.end);
      return h(
        'tr',
        { dataset: { markerId: String(m.id) } },
        h('td', {}, gs),
        h('td', { class: 'nowrap' }, st, nowBtn(st)),
        h('td', { class: 'nowrap' }, en, nowBtn(en)),
        h(
          'td',
          {},
          h('span', { class: `tag${m.clip.status === 'ready' ? ' tag-ok' : ''}`, title: m.clip.error, text: CLIP[m.clip.status] }),
          m.clip.url
            ? [' ', h('a', { href: m.clip.url, target: '_blank', rel: 'noopener', text: `Play (${fmtDuration(m.clip.duration)})` })]
            : null,
        ),
        h(
          'td',
          { class: 'right nowrap' },
          button(
            'Watch',
            () => {
              video.currentTime = m.start;
              void video.play().catch(() => undefined);
            },
            'ghost',
            { 'data-action': 'watch' },
          ),
          button(
            'Save',
            (e) =>
              void save(
                e.currentTarget as HTMLButtonElement,
                () =>
                  ctx.api.put(`/rooms/${room.id}/highlights/${m.id}`, {
                    goods_id: Number(gs.value),
                    start: parseMark(st.value),
                    end: parseMark(en.value),
                  }),
                'Marker saved: its clip is cut again',
              ),
            'secondary',
            { 'data-action': 'save-marker' },
          ),
          button(
            'Delete',
            async (e) => {
              if (
                !(await confirmAction(
                  'Delete this marker?',
                  `${m.name} at ${fmtMark(m.start)} leaves the replay’s highlights, with its clip.`,
                  'Delete',
                ))
              )
                return;
              await save(e.currentTarget as HTMLButtonElement, () => ctx.api.del(`/rooms/${room.id}/highlights/${m.id}`), 'Marker deleted');
            },
            'ghost',
            { 'data-action': 'delete-marker' },
          ),
        ),
      );
    });
    const ng = goodsSelect(d.goods[0]?.goods_id ?? 0);
    const ns = timeInput('start', 0);
    const ne = timeInput('end', Math.min(d.duration_sec ?? 0, 30));
    const add = h(
      'form',
      { class: 'row-wrap add-marker' },
      ng,
      h('label', { class: 'nowrap' }, 'from ', ns, nowBtn(ns)),
      h('label', { class: 'nowrap' }, 'to ', ne, nowBtn(ne)),
      h('button', { class: 'btn btn-primary', type: 'submit', 'data-action': 'add-marker', text: 'Add marker' }),
    );
    add.addEventListener('submit', (e) => {
      e.preventDefault();
      // not awaited: a submit handler; busy() inside save() shows a failure as a toast
      void save(
        add.querySelector('button')!,
        () =>
          ctx.api.post(`/rooms/${room.id}/highlights`, {
            goods_id: Number(ng.value),
            start: parseMark(ns.value),
            end: parseMark(ne.value),
          }),
        'Marker added: its clip is being cut',
      );
    });
    body.replaceChildren(
      h('p', {
        class: 'hint',
        text: `One replay of the whole live (${fmtDuration(d.duration_sec)}). Viewers jump to a product’s explanation from these markers; goods/getVideo and the goods page play its clip.`,
      }),
      video,
      d.markers.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'table small markers' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Product', 'Start', 'End', 'Clip', ''].map((t) => h('th', { text: t })),
                ),
              ),
              h('tbody', {}, rows),
            ),
          )
        : h('p', { class: 'muted', text: 'No product was presented during the live. Add a marker where one was explained.' }),
      d.goods.length ? add : h('p', { class: 'muted', text: 'Put goods on the room’s shelf to add markers.' }),
    );
    if (d.markers.some((m) => m.clip.status === 'pending')) timer = setTimeout(() => void refresh(), 2000);
  };
  const refresh = async () => {
    clearTimeout(timer);
    render(await ctx.api.get<Highlights>(`/rooms/${room.id}/highlights`));
  };
  await refresh();
  return box;
}
