/** An app's rooms: live / upcoming / ended, with WeChat's status badges. */
import { h, fmtRange } from '../dom.js';
import type { Ctx } from '../shell.js';
import { badge, card, empty } from '../ui.js';

export interface RoomSummary {
  id: number;
  name: string;
  coverImg: string;
  anchorName: string;
  anchorImg: string;
  startTime: number;
  endTime: number;
  status: number;
}

const GROUPS = [
  { key: 'live', title: 'Live now', statuses: [101, 105, 106], empty: 'No room is live. Push a stream to an upcoming room to go live.' },
  { key: 'upcoming', title: 'Upcoming', statuses: [102], empty: 'No upcoming room.' },
  { key: 'ended', title: 'Ended', statuses: [103, 104, 107], empty: 'Ended, banned and expired rooms show here.' },
] as const;

export async function roomsPage(ctx: Ctx): Promise<HTMLElement> {
  const appid = ctx.params.appid!;
  const { rooms } = await ctx.api.get<{ rooms: RoomSummary[] }>(`/apps/${appid}/rooms`);
  ctx.setApp(appid);
  const app = ctx.apps.find((a) => a.appid === appid);
  const newBtn = h('a', { class: 'btn btn-primary', href: `#/apps/${appid}/rooms/new`, text: '＋ New room' });
  const row = (r: RoomSummary) =>
    h(
      'a',
      { class: 'room-row', href: `#/rooms/${r.id}`, dataset: { roomId: String(r.id) } },
      h('div', { class: 'room-cover', style: { backgroundImage: r.coverImg ? `url("${r.coverImg}")` : '' } }),
      h(
        'div',
        { class: 'room-main' },
        h('div', { class: 'room-title' }, h('strong', { text: r.name }), badge(r.status)),
        h(
          'div',
          { class: 'muted' },
          fmtRange(r.startTime, r.endTime),
          ' · ',
          r.anchorName,
          ' · ',
          h('span', { class: 'mono', text: `#${r.id}` }),
        ),
      ),
      h('span', { class: 'chev', 'aria-hidden': 'true', text: '›' }),
    );
  const body = rooms.length
    ? GROUPS.map((g) => {
        const list = rooms.filter((r) => (g.statuses as readonly number[]).includes(r.status));
        if (g.key === 'upcoming') list.sort((a, b) => a.startTime - b.startTime);
        return card(
          h('span', {}, g.title, h('span', { class: 'count', text: String(list.length) })),
          list.length
            ? h('div', { class: 'room-list', dataset: { group: g.key } }, list.map(row))
            : h('p', { class: 'muted small', text: g.empty }),
        );
      })
    : [
        card(
          null,
          empty(
            'Create your first live room',
            'A room has a name, a cover, an anchor and a planned time. Then you add goods, push a stream from OBS and you are live.',
            newBtn.cloneNode(true) as HTMLElement,
          ),
        ),
      ];
  return h(
    'div',
    { class: 'page' },
    h(
      'header',
      { class: 'page-head' },
      h('div', {}, h('h1', { text: 'Live rooms' }), h('p', { class: 'muted', text: app?.name ?? appid })),
      newBtn,
    ),
    ...body,
  );
}
