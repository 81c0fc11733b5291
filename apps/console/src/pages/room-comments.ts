/**
 * The live desk's comments: the stream, delete a comment, mute a viewer, comments off for the room; and the merchant
 * talks to the room: comments as the anchor (badged in the room) and a notice pinned above the chat.
 */
import { h, fmtClock } from '../dom.js';
import { Form, input } from '../form.js';
import { busy, button, card, confirmAction, toast } from '../ui.js';
import { poll, type RoomView } from './room.js';

interface Comment {
  id: string;
  openid: string;
  nick: string;
  text: string;
  at: number;
  muted: boolean;
  role?: 'anchor';
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
    if (
      want &&
      !(await confirmAction(
        'Turn comments off?',
        'Viewers can no longer post comments in this room until you turn them on again.',
        'Turn off',
      ))
    ) {
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
    list.replaceChildren(
      ...(comments.length
        ? comments.map((c) =>
            h(
              'li',
              { class: `comment${c.muted ? ' is-muted' : ''}`, dataset: { commentId: c.id } },
              h(
                'div',
                { class: 'comment-head' },
                c.role === 'anchor' ? h('span', { class: 'tag tag-anchor', text: 'anchor' }) : null,
                h('strong', { text: c.nick || 'viewer' }),
                h('span', { class: 'muted small', text: ` ${fmtClock(c.at)}` }),
                c.muted ? h('span', { class: 'tag', text: 'muted' }) : null,
              ),
              h('div', { class: 'comment-text', text: c.text }),
              h(
                'div',
                { class: 'comment-actions' },
                button(
                  'Delete',
                  (e) =>
                    void busy(e.currentTarget as HTMLButtonElement, async () => {
                      await ctx.api.post(`/rooms/${room.id}/comments/${encodeURIComponent(c.id)}/delete`);
                      toast('Comment deleted for everyone', 'success');
                      last = '';
                      await refresh();
                    }),
                  'ghost',
                  { 'data-action': 'delete-comment' },
                ),
                c.role === 'anchor'
                  ? null
                  : button(
                      c.muted ? 'Unmute viewer' : 'Mute viewer',
                      async (e) => {
                        if (
                          !c.muted &&
                          !(await confirmAction(
                            `Mute ${c.nick || 'this viewer'}?`,
                            'Their new comments reach nobody in this room; they are told they are muted.',
                            'Mute',
                          ))
                        )
                          return;
                        await busy(e.currentTarget as HTMLButtonElement, async () => {
                          await ctx.api.post(`/rooms/${room.id}/mute`, { openid: c.openid, mute: !c.muted });
                          last = '';
                          await refresh();
                        });
                      },
                      'ghost',
                      { 'data-action': c.muted ? 'unmute' : 'mute' },
                    ),
              ),
            ),
          )
        : [h('li', { class: 'muted comments-empty', text: 'No comments yet. They appear here as viewers post them.' })]),
    );
    if (atBottom) list.scrollTop = list.scrollHeight;
  };
  // Say something to the room as the anchor, and pin a notice above the chat.
  const say = new Form(
    async (f) => {
      const el = f.el.elements.namedItem('text') as HTMLInputElement;
      await ctx.api.post(`/rooms/${room.id}/comments`, { text: el.value });
      el.value = '';
      last = '';
      await refresh();
    },
    { 'aria-label': 'Comment as the anchor' },
  );
  say.add(
    h(
      'div',
      { class: 'inline-form' },
      say.field(
        'text',
        `Comment as ${room.anchorName}`,
        input('text', { maxlength: 200, placeholder: 'Welcome! Ask me anything about the tea…', autocomplete: 'off' }),
        'Viewers see it with an “anchor” badge.',
      ),
      h('button', { type: 'submit', class: 'btn btn-primary', text: 'Send' }),
    ),
  );
  let notice: string | null = null;
  const noticeNow = h('p', { class: 'hint' });
  const showNotice = (t: string | null) => {
    notice = t;
    noticeNow.textContent = t ? `Pinned now: “${t}”` : 'Nothing is pinned.';
  };
  const pin = new Form(
    async (f) => {
      const el = f.el.elements.namedItem('text') as HTMLInputElement;
      showNotice((await ctx.api.post<{ notice: string | null }>(`/rooms/${room.id}/notice`, { text: el.value })).notice);
      toast(notice ? 'Notice pinned' : 'Notice removed', 'success');
    },
    { 'aria-label': 'Pinned notice' },
  );
  pin.add(
    h(
      'div',
      { class: 'inline-form' },
      pin.field(
        'text',
        'Pinned notice',
        input('text', { maxlength: 200, placeholder: 'Free shipping on orders over ¥99 tonight', autocomplete: 'off' }),
        'Shown above the chat to every viewer. Leave empty and save to remove it.',
      ),
      h('button', { type: 'submit', class: 'btn btn-secondary', text: 'Pin' }),
    ),
    noticeNow,
  );

  const refresh = async () => {
    const live = await ctx.api.get<{ status: number; comments: Comment[]; commentsClosed: boolean; notice?: string | null }>(
      `/rooms/${room.id}/live`,
    );
    if ((live.notice ?? null) !== notice) showNotice(live.notice ?? null);
    if (live.commentsClosed !== closed) setClosed(live.commentsClosed);
    if (live.status !== room.status) v.setStatus(live.status);
    render(live.comments);
  };
  poll(ctx, 2000, refresh, conn);
  return h(
    'div',
    { class: 'stack' },
    card(
      h('span', {}, 'Comment switch'),
      h(
        'label',
        { class: 'switch-row' },
        h('span', { class: 'switch-text' }, h('span', { text: 'Viewers may comment' }), h('small', { class: 'hint' }, swText)),
        sw,
      ),
    ),
    card('Talk to the room', say.el, pin.el),
    card(h('span', {}, 'Comments ', conn), list),
  );
}
