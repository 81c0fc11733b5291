/** Moderation during the live: the comment stream, delete a comment, mute a viewer, comments off for the room. */
import { h, fmtClock } from '../dom.js';
import { busy, button, card, confirmAction, toast } from '../ui.js';
import { poll, type RoomView } from './room.js';

interface Comment {
  id: string;
  openid: string;
  nick: string;
  text: string;
  at: number;
  muted: boolean;
}

export async function commentsTab(v: RoomView): Promise<HTMLElement> {
  const { ctx, room } = v;
  const list = h('ol', { class: 'comments', 'aria-live': 'polite', 'aria-label': 'Comments' });
  const conn = h('span', { class: 'conn', text: 'Connecting…' });
  const sw = h('input', { type: 'checkbox', role: 'switch', class: 'switch', name: 'comments-open', 'aria-label': 'Comments open' });
  const swText = h('span', {});
  let closed = room.closeComment === 1;
  let last: string | undefined;
  const setClosed = (c: boolean) => {
    closed = c;
    sw.checked = !c;
    swText.textContent = c ? 'Comments are off: viewers cannot post.' : 'Comments are on.';
  };
  setClosed(closed);
  sw.addEventListener('change', async () => {
    const want = !sw.checked;
    if (want && !(await confirmAction('Turn comments off?', 'Viewers can no longer post comments in this room until you turn them on again.', 'Turn off'))) {
      sw.checked = true;
      return;
    }
    const ok = await busy(null, () => ctx.api.post(`/rooms/${room.id}/comments-switch`, { closed: want }));
    if (ok) setClosed(want);
    else sw.checked = !closed;
  });

  const render = (comments: Comment[]) => {
    const key = comments.map((c) => `${c.id}${c.muted ? 'm' : ''}`).join();
    if (key === last) return;
    last = key;
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
    list.replaceChildren(...(comments.length ? comments.map((c) => h('li', { class: `comment${c.muted ? ' is-muted' : ''}`, dataset: { commentId: c.id } },
      h('div', { class: 'comment-head' }, h('strong', { text: c.nick || 'viewer' }), h('span', { class: 'muted small', text: ` ${fmtClock(c.at)}` }), c.muted ? h('span', { class: 'tag', text: 'muted' }) : null),
      h('div', { class: 'comment-text', text: c.text }),
      h('div', { class: 'comment-actions' },
        button('Delete', (e) => void busy(e.currentTarget as HTMLButtonElement, async () => {
          await ctx.api.post(`/rooms/${room.id}/comments/${encodeURIComponent(c.id)}/delete`);
          toast('Comment deleted for everyone', 'success');
          last = '';
          await refresh();
        }), 'ghost', { 'data-action': 'delete-comment' }),
        button(c.muted ? 'Unmute viewer' : 'Mute viewer', async (e) => {
          if (!c.muted && !(await confirmAction(`Mute ${c.nick || 'this viewer'}?`, 'Their new comments reach nobody in this room; they are told they are muted.', 'Mute'))) return;
          await busy(e.currentTarget as HTMLButtonElement, async () => {
            await ctx.api.post(`/rooms/${room.id}/mute`, { openid: c.openid, mute: !c.muted });
            last = '';
            await refresh();
          });
        }, 'ghost', { 'data-action': c.muted ? 'unmute' : 'mute' }))))
      : [h('li', { class: 'muted comments-empty', text: 'No comments yet. They appear here as viewers post them.' })]));
    if (atBottom) list.scrollTop = list.scrollHeight;
  };
  const refresh = async () => {
    const live = await ctx.api.get<{ status: number; comments: Comment[]; commentsClosed: boolean }>(`/rooms/${room.id}/live`);
    if (live.commentsClosed !== closed) setClosed(live.commentsClosed);
    if (live.status !== room.status) v.setStatus(live.status);
    render(live.comments);
  };
  poll(ctx, 2000, refresh, conn);
  return h('div', { class: 'stack' },
    card(h('span', {}, 'Comment switch'), h('label', { class: 'switch-row' }, h('span', { class: 'switch-text' }, h('span', { text: 'Viewers may comment' }), h('small', { class: 'hint' }, swText)), sw)),
    card(h('span', {}, 'Comments ', conn), list));
}
