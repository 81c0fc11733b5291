/** One room: status, the actions the status allows (S-STATUS-6: pause/resume/end), and its tabs. */
import { h, fmtRange } from '../dom.js';
import type { PublicAddress } from '../address.js';
import type { Ctx } from '../shell.js';
import { badge, busy, button, confirmAction, toast } from '../ui.js';
import { goLiveTab } from './room-golive.js';
import { shelfTab } from './room-goods.js';
import { commentsTab } from './room-comments.js';
import { shareTab } from './room-share.js';
import { numbersTab } from './room-numbers.js';
import { replaysTab } from './room-replays.js';
import { membersTab } from './room-members.js';

export interface Room {
  id: number;
  appid: string;
  appName: string;
  name: string;
  coverImg: string;
  shareImg: string;
  anchorName: string;
  anchorImg: string;
  startTime: number;
  endTime: number;
  status: number;
  screenType: number;
  closeComment: number;
  closeGoods: number;
  editable: boolean;
  pushUrl: string;
  server: string;
  streamKey: string;
  /** WHIP endpoint (null when WHIP is off) and its Bearer token (the stream key) */
  whipUrl: string | null;
  bearerToken: string;
  media: { flv: string; wsFlv: string; hls: string };
  roomPage: string;
  /** which public address links and push URLs use, and why */
  address: PublicAddress;
}

export interface RoomView {
  ctx: Ctx;
  room: Room;
  /** the status changed (seen by a poll): header actions follow */
  setStatus(status: number): void;
  onStatus(fn: (status: number) => void): void;
  reload(): void;
}

const TABS = [
  ['', 'Go live'],
  ['goods', 'Goods'],
  ['comments', 'Comments'],
  ['share', 'Share'],
  ['numbers', 'Numbers'],
  ['replays', 'Replays'],
  ['members', 'Members'],
] as const;

export async function roomPage(ctx: Ctx): Promise<HTMLElement> {
  const room = await ctx.api.get<Room>(`/rooms/${ctx.params.id}`);
  ctx.setApp(room.appid);
  const tab = ctx.params.tab === 'live' ? '' : (ctx.params.tab ?? '');
  const listeners: Array<(s: number) => void> = [];
  const badgeSlot = h('span', { class: 'badge-slot' }, badge(room.status));
  const actions = h('div', { class: 'head-actions' });
  const reload = () => ctx.go(location.hash);

  const act = async (btn: HTMLButtonElement, action: 'pause' | 'resume' | 'end') => {
    const text: readonly [string, string, string] = (
      {
        pause: [
          'Pause the live?',
          'Viewers see “paused” (暂停中 105) and no video until you resume. The anchor can keep streaming.',
          'Pause',
        ],
        resume: ['Resume the live?', 'Viewers see the live again (直播中 101).', 'Resume'],
        end: [
          'End the live?',
          'The live ends for everyone (已结束 103) and cannot be restarted. The anchor’s stream is cut; the replay is prepared.',
          'End live',
        ],
      } as const
    )[action];
    if (!(await confirmAction(text[0], text[1], text[2], action !== 'resume'))) return;
    const r = await busy(btn, () => ctx.api.post<{ status: number }>(`/rooms/${room.id}/status`, { action }));
    if (r) {
      view.setStatus(r.status);
      toast(({ 101: 'Live again', 103: 'Live ended', 105: 'Paused' } as Record<number, string>)[r.status] ?? 'Done', 'success');
    }
  };
  const renderActions = (status: number) => {
    const list: HTMLElement[] = [];
    if (status === 101)
      list.push(button('Pause', (e) => void act(e.currentTarget as HTMLButtonElement, 'pause'), 'secondary', { 'data-action': 'pause' }));
    if (status === 105)
      list.push(button('Resume', (e) => void act(e.currentTarget as HTMLButtonElement, 'resume'), 'primary', { 'data-action': 'resume' }));
    if ([101, 105, 106].includes(status))
      list.push(button('End live', (e) => void act(e.currentTarget as HTMLButtonElement, 'end'), 'danger', { 'data-action': 'end' }));
    if (status === 102) list.push(h('a', { class: 'btn btn-secondary', href: `#/rooms/${room.id}/edit`, text: 'Edit' }));
    if (![101, 105, 106].includes(status))
      list.push(
        button(
          'Delete',
          async (e) => {
            if (
              !(await confirmAction(
                'Delete this room?',
                `“${room.name}” and its goods shelf go away for good. Its replays stop being listed.`,
                'Delete room',
              ))
            )
              return;
            const ok = await busy(e.currentTarget as HTMLButtonElement, () => ctx.api.del(`/rooms/${room.id}`));
            if (ok) {
              toast('Room deleted', 'success');
              ctx.go(`#/apps/${room.appid}`);
            }
          },
          'ghost',
          { 'data-action': 'delete' },
        ),
      );
    list.push(h('a', { class: 'btn btn-ghost', href: room.roomPage, target: '_blank', rel: 'noopener', text: 'Open room page ↗' }));
    actions.replaceChildren(...list);
  };
  const view: RoomView = {
    ctx,
    room,
    reload,
    setStatus(status) {
      if (status === room.status) return;
      room.status = status;
      badgeSlot.replaceChildren(badge(status));
      renderActions(status);
      for (const l of listeners) l(status);
    },
    onStatus: (fn) => listeners.push(fn),
  };
  renderActions(room.status);
  const content =
    (await (
      {
        '': goLiveTab,
        goods: shelfTab,
        comments: commentsTab,
        share: shareTab,
        numbers: numbersTab,
        replays: replaysTab,
        members: membersTab,
      } as const
    )[tab as '']?.(view)) ?? h('p', { text: 'Unknown tab' });
  return h(
    'div',
    { class: 'page' },
    h('a', { class: 'back', href: `#/apps/${room.appid}`, text: `‹ ${room.appName}` }),
    h(
      'header',
      { class: 'page-head room-head' },
      h(
        'div',
        { class: 'room-head-main' },
        h('div', { class: 'room-cover big', style: { backgroundImage: room.coverImg ? `url("${room.coverImg}")` : '' } }),
        h(
          'div',
          {},
          h('h1', { text: room.name }),
          h(
            'div',
            { class: 'room-meta' },
            badgeSlot,
            h('span', { class: 'muted', text: `${fmtRange(room.startTime, room.endTime)} · ${room.anchorName} · #${room.id}` }),
          ),
        ),
      ),
      actions,
    ),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Room sections' },
      TABS.map(([key, label]) =>
        h('a', {
          class: `tab${key === tab ? ' is-active' : ''}`,
          href: `#/rooms/${room.id}${key ? `/${key}` : ''}`,
          'aria-current': key === tab ? 'page' : undefined,
          text: label,
        }),
      ),
    ),
    content,
  );
}

/** Poll while the page is open; shows a quiet "reconnecting" hint when the server does not answer. */
export function poll(ctx: Ctx, ms: number, fn: () => Promise<void>, indicator?: HTMLElement): void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fails = 0;
  const run = async () => {
    if (stopped) return;
    try {
      await fn();
      fails = 0;
      if (indicator) {
        indicator.textContent = 'Updated just now';
        indicator.className = 'conn conn-ok';
      }
    } catch {
      fails++;
      if (indicator) {
        indicator.textContent = 'Connection lost · retrying…';
        indicator.className = 'conn conn-bad';
      }
    }
    if (!stopped) timer = setTimeout(() => void run(), fails ? Math.min(15_000, ms * 2 ** fails) : ms);
  };
  void run(); // a loop for the page's life: run() catches fn()'s failures (the 'retrying' indicator) and reschedules itself
  ctx.onDispose(() => {
    stopped = true;
    if (timer) clearTimeout(timer);
  });
}
