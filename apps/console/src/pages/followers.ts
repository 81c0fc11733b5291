/** An app's followers (WeChat's long-term subscription, 长期订阅) and go-live messages to them (push_message). */
import { fmtTime, h } from '../dom.js';
import { select } from '../form.js';
import type { Ctx } from '../shell.js';
import { busy, button, card, empty, stat, toast } from '../ui.js';

interface FollowersView {
  followers: Array<{ openid: string; subscribe_time: number; room_status: number; room_id: number }>;
  page_break: number;
  total: number;
  messages: Array<{
    message_id: string;
    room_id: number;
    total_count: number;
    followers: number;
    created_at: number;
    reported_at: number | null;
  }>;
}

export async function followersPage(ctx: Ctx): Promise<HTMLElement> {
  const appid = ctx.params.appid!;
  const after = Number(new URLSearchParams(location.hash.split('?')[1] ?? '').get('after') ?? 0);
  const [v, rooms] = await Promise.all([
    ctx.api.get<FollowersView>(`/apps/${appid}/followers?after=${after}`),
    ctx.api.get<{ rooms: Array<{ id: number; name: string; status: number }> }>(`/apps/${appid}/rooms`),
  ]);
  ctx.setApp(appid);
  const live = rooms.rooms.filter((r) => r.status === 101);
  const roomSel = select(
    'room',
    live.map((r) => [String(r.id), `${r.name} (#${r.id})`]),
    String(live[0]?.id ?? ''),
  );
  const push = button(
    'Send go-live message',
    async (e) => {
      const out = await busy(e.currentTarget as HTMLButtonElement, () =>
        ctx.api.post<{ messageId: string }>(`/apps/${appid}/followers/push`, { roomId: Number(roomSel.value) }),
      );
      if (out) {
        toast(`Sent (message ${out.messageId})`, 'success');
        ctx.go(`#/apps/${appid}/followers`);
      }
    },
    'primary',
    { 'data-action': 'push' },
  );
  const table = v.followers.length
    ? h(
        'table',
        { class: 'table', 'aria-label': 'Followers' },
        h('thead', {}, h('tr', {}, h('th', { text: 'openid' }), h('th', { text: 'Since' }), h('th', { text: 'Followed in room' }))),
        h(
          'tbody',
          {},
          v.followers.map((f) =>
            h(
              'tr',
              { dataset: { openid: f.openid } },
              h('td', { class: 'mono small', text: f.openid }),
              h('td', { text: fmtTime(f.subscribe_time * 1000) }),
              h('td', { text: f.room_id ? `#${f.room_id}` : '–' }),
            ),
          ),
        ),
      )
    : empty(
        'No followers yet',
        'Viewers follow your shop with the Follow button in a room page; your server reads them with get_wxa_followers.',
      );
  const more =
    v.followers.length === 100
      ? h('a', { class: 'btn btn-secondary', href: `#/apps/${appid}/followers?after=${v.page_break}`, text: 'Next page' })
      : null;
  return h(
    'div',
    { class: 'page' },
    h(
      'header',
      { class: 'page-head' },
      h(
        'div',
        {},
        h('h1', { text: 'Followers' }),
        h('p', { class: 'muted', text: 'WeChat’s long-term subscription: viewers who follow this app' }),
      ),
    ),
    h('div', { class: 'stats-row' }, stat('Followers', v.total), stat('Messages sent', v.messages.length, 'the last ten below')),
    card(
      'Tell followers a room is live',
      live.length
        ? h('div', { class: 'form-actions' }, roomSel, push)
        : h('p', {
            class: 'muted',
            text: 'No room is live now. A go-live message can only be sent for a live room (push_message, one room a day).',
          }),
      v.messages.length
        ? h(
            'ul',
            { class: 'plain' },
            v.messages.map((m) =>
              h('li', {
                class: 'small',
                text: `${fmtTime(m.created_at)} · room #${m.room_id} · ${m.followers} of ${m.total_count} are followers · ${m.reported_at ? 'done' : 'sending…'}`,
              }),
            ),
          )
        : null,
    ),
    card(`Followers${after ? ' (continued)' : ''}`, table, more),
  );
}
