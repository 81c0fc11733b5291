/**
 * A room's members and switches (WeChat's room/addassistant…, addsubanchor…, updatefeedpublic/updatereplay/updatekf):
 * assistants with their phone sign-in links, the sub-anchor with its own push key, and the three switches.
 */
import { h, fmtTime } from '../dom.js';
import { Form, input, toggle, checked } from '../form.js';
import { busy, button, card, confirmAction, copyField, empty, toast } from '../ui.js';
import type { RoomView } from './room.js';

interface Members {
  assistants: Array<{ username: string; nickname: string; timestamp: number; openid: string }>;
  subAnchor: { username: string; pushUrl: string } | null;
  switches: { isFeedsPublic: number; closeReplay: number; closeKf: number };
}

export async function membersTab(v: RoomView): Promise<HTMLElement> {
  const { ctx, room } = v;
  const m = await ctx.api.get<Members>(`/rooms/${room.id}/members`);
  const base = `/rooms/${room.id}`;
  const linkSlot = h('div', { class: 'assistant-link', 'data-role': 'assistant-link' });

  const showLink = async (btn: HTMLButtonElement, username: string) => {
    const out = await busy(btn, () =>
      ctx.api.post<{ url: string; expiresAt: number }>(`${base}/assistants/${encodeURIComponent(username)}/link`, { hours: 24 }),
    );
    if (!out) return;
    linkSlot.replaceChildren(
      copyField(`Sign-in link for ${username}`, out.url, {
        name: 'assistant-link',
        hint: `Open it on the assistant’s phone. Valid until ${fmtTime(out.expiresAt)}; anyone with the link can moderate this room until then.`,
      }),
    );
  };

  const rows = m.assistants.map((a) =>
    h(
      'tr',
      { dataset: { username: a.username } },
      h('td', { text: a.nickname }),
      h('td', { class: 'mono', text: a.username }),
      h('td', { text: fmtTime(a.timestamp * 1000) }),
      h(
        'td',
        { class: 'right' },
        button('Sign-in link', (e) => void showLink(e.currentTarget as HTMLButtonElement, a.username), 'secondary', {
          'data-action': 'link',
        }),
        ' ',
        button(
          'Revoke links',
          async (e) => {
            if (
              !(await confirmAction(
                'Revoke sign-in links?',
                `Every link handed to ${a.nickname} stops working and their phone is signed out.`,
                'Revoke',
              ))
            )
              return;
            if (
              await busy(e.currentTarget as HTMLButtonElement, () =>
                ctx.api.post(`${base}/assistants/${encodeURIComponent(a.username)}/revoke`),
              )
            )
              toast('Links revoked', 'success');
          },
          'ghost',
          { 'data-action': 'revoke' },
        ),
        ' ',
        button(
          'Remove',
          async (e) => {
            if (
              !(await confirmAction(
                'Remove this assistant?',
                `${a.nickname} can no longer moderate this room; their phone is signed out.`,
                'Remove',
              ))
            )
              return;
            if (
              await busy(e.currentTarget as HTMLButtonElement, () =>
                ctx.api.post(`${base}/assistants/${encodeURIComponent(a.username)}/delete`),
              )
            )
              v.reload();
          },
          'ghost',
          { 'data-action': 'remove' },
        ),
      ),
    ),
  );
  const list = m.assistants.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table', 'aria-label': 'Assistants' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Nickname', 'WeChat id', 'Changed', ''].map((t) => h('th', { text: t })),
            ),
          ),
          h('tbody', {}, rows),
        ),
      )
    : empty('No assistant yet', 'Assistants moderate this room from their phone: mute, delete comments, present goods, see the numbers.');

  const addForm = new Form(
    async (f) => {
      await ctx.api.post(`${base}/assistants`, {
        username: (f.el.elements.namedItem('username') as HTMLInputElement).value.trim(),
        nickname: (f.el.elements.namedItem('nickname') as HTMLInputElement).value.trim(),
      });
      toast('Assistant added', 'success');
      v.reload();
    },
    { 'aria-label': 'Add assistant' },
  );
  addForm.add(
    h(
      'div',
      { class: 'grid-2' },
      addForm.field('username', 'WeChat id', input('username', { placeholder: 'wx_helper', autocomplete: 'off' })),
      addForm.field('nickname', 'Nickname', input('nickname', { placeholder: '小助手' })),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', text: `Add assistant (${m.assistants.length}/10)` }),
    ),
  );

  const subForm = new Form(
    async (f) => {
      const username = (f.el.elements.namedItem('subanchor') as HTMLInputElement).value.trim();
      await ctx.api.put(`${base}/subanchor`, { username });
      toast(username ? 'Sub-anchor saved: a new push key was made' : 'Sub-anchor removed', 'success');
      v.reload();
    },
    { 'aria-label': 'Sub-anchor' },
  );
  subForm.add(
    subForm.field(
      'username',
      'Sub-anchor WeChat id',
      input('subanchor', { value: m.subAnchor?.username ?? '', placeholder: 'wx_sub (empty: none)', autocomplete: 'off' }),
      'A second anchor who may push this room with a key of their own. Changing or clearing it revokes that key and stops a stream using it.',
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save sub-anchor' })),
  );

  const sw = m.switches;
  const switchForm = new Form(
    async (f) => {
      await ctx.api.post(`${base}/switches`, {
        isFeedsPublic: checked(f.el, 'isFeedsPublic') ? 1 : 0,
        closeReplay: checked(f.el, 'replay') ? 0 : 1,
        closeKf: checked(f.el, 'kf') ? 0 : 1,
      });
      toast('Switches saved', 'success');
    },
    { 'aria-label': 'Room switches' },
  );
  switchForm.add(
    toggle(
      'isFeedsPublic',
      'Listed in the public feed',
      sw.isFeedsPublic === 1,
      'Shown on /feeds/ while live, if the app opted in (App settings).',
    ),
    toggle('replay', 'Replays', sw.closeReplay === 0, 'Off: the room page, get_replay and the replay files show nothing.'),
    switchForm.field(
      'closeKf',
      '',
      toggle('kf', 'Customer service button', sw.closeKf === 0, 'Opens the app’s customer-service URL (App settings).'),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save switches' })),
  );

  return h(
    'div',
    { class: 'stack' },
    card('Assistants', list, linkSlot, addForm.el),
    card(
      'Sub-anchor',
      subForm.el,
      m.subAnchor
        ? copyField('Sub-anchor push URL', m.subAnchor.pushUrl, {
            mask: true,
            name: 'subanchor-push',
            hint: 'Only for the sub-anchor. One stream at a time, whichever key it uses.',
          })
        : null,
    ),
    card('Switches', switchForm.el),
  );
}
