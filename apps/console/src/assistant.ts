/**
 * The room assistant's phone page (/console/assistant/): signs in with the link the console handed out (the token is
 * in the fragment, #t=…, so it never reaches a server log), then shows one room's desk — numbers, comments (delete,
 * mute), the shelf (present a product) — polled every few seconds. Everything goes to /console/assistant-api, scoped
 * by the session to that one room.
 */
import './assistant.css';
import { h } from './dom.js';

interface Who {
  assistant: { username: string; nickname: string };
  room: { id: number; name: string; anchorName: string; coverImg: string };
  csrf: string;
}
interface Goods {
  goods_id: number;
  name: string;
  cover_img: string;
  price: number;
}
interface Desk {
  status: number;
  viewers: number;
  peak: number;
  likes: number;
  commentsClosed: boolean;
  presented: { goods_id: number; name: string } | null;
  comments: Array<{ id: string; openid: string; nick: string; text: string; at: number; muted: boolean }>;
  shelf: Goods[];
}

const STATUS: Record<number, string> = {
  101: '直播中 Live',
  102: '未开始 Not started',
  103: '已结束 Ended',
  104: '禁播 Banned',
  105: '暂停 Paused',
  106: '异常 Interrupted',
  107: '已过期 Expired',
};
const root = document.getElementById('app')!;
let csrf = '';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`/console/assistant-api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const data = (await r.json().catch(() => ({}))) as { message?: string };
  if (!r.ok) throw Object.assign(new Error(data.message ?? `The server answered ${r.status}`), { status: r.status });
  return data as T;
}

function signedOut(message: string): void {
  root.replaceChildren(
    h(
      'main',
      { class: 'as-page as-out' },
      h('h1', { text: '助手 Room assistant' }),
      h('p', { class: 'as-msg', role: 'alert', 'data-role': 'signed-out', text: message }),
    ),
  );
}

function note(text: string): void {
  const el = h('div', { class: 'as-toast', role: 'status', text });
  document.body.append(el);
  setTimeout(() => el.remove(), 2500);
}

async function act(btn: HTMLButtonElement, fn: () => Promise<unknown>, done: string): Promise<void> {
  btn.disabled = true;
  try {
    await fn();
    note(done);
    await refresh();
  } catch (e) {
    note((e as Error).message);
  } finally {
    btn.disabled = false;
  }
}

let who: Who | undefined;
const stats = h('section', { class: 'as-stats', 'aria-label': 'Numbers' });
const presented = h('section', { class: 'as-card', 'aria-label': 'Goods' });
const comments = h('section', { class: 'as-card', 'aria-label': 'Comments' });

function render(d: Desk): void {
  const stat = (label: string, value: string | number, role: string) =>
    h('div', { class: 'as-stat' }, h('strong', { 'data-stat': role, text: String(value) }), h('span', { text: label }));
  stats.replaceChildren(
    stat('状态 Status', STATUS[d.status] ?? String(d.status), 'status'),
    stat('在线 Viewers', d.viewers, 'viewers'),
    stat('峰值 Peak', d.peak, 'peak'),
    stat('点赞 Likes', d.likes, 'likes'),
  );
  const stop = h('button', { class: 'as-btn', type: 'button', 'data-action': 'stop-present', text: '停止讲解 Stop', hidden: !d.presented });
  stop.addEventListener('click', () => void act(stop, () => call('POST', '/present', { goodsId: 0 }), 'Stopped presenting'));
  presented.replaceChildren(
    h('h2', { text: '商品 Goods' }),
    h('p', {
      class: 'as-muted',
      'data-role': 'presented',
      text: d.presented ? `讲解中 Presenting: ${d.presented.name}` : '没有讲解中的商品 Nothing presented',
    }),
    stop,
    d.shelf.length
      ? h(
          'ul',
          { class: 'as-list' },
          d.shelf.map((g) => {
            const b = h('button', {
              class: 'as-btn as-primary',
              type: 'button',
              'data-action': 'present',
              'data-goods': String(g.goods_id),
              text: '讲解 Present',
            });
            b.addEventListener('click', () => void act(b, () => call('POST', '/present', { goodsId: g.goods_id }), `Presenting ${g.name}`));
            return h('li', { class: 'as-row' }, h('span', { class: 'as-grow', text: `${g.name} · ¥${(g.price / 100).toFixed(2)}` }), b);
          }),
        )
      : h('p', { class: 'as-muted', text: '货架上没有在售商品 No goods on sale' }),
  );
  comments.replaceChildren(
    h('h2', { text: `评论 Comments${d.commentsClosed ? ' (已全员禁言 muted)' : ''}` }),
    d.comments.length
      ? h(
          'ul',
          { class: 'as-list' },
          [...d.comments].reverse().map((c) => {
            const del = h('button', { class: 'as-btn', type: 'button', 'data-action': 'delete', text: '删除 Delete' });
            del.addEventListener(
              'click',
              () => void act(del, () => call('POST', `/comments/${encodeURIComponent(c.id)}/delete`), 'Comment deleted'),
            );
            const mute = h('button', {
              class: 'as-btn',
              type: 'button',
              'data-action': c.muted ? 'unmute' : 'mute',
              text: c.muted ? '解除禁言 Unmute' : '禁言 Mute',
            });
            mute.addEventListener(
              'click',
              () => void act(mute, () => call('POST', '/mute', { openid: c.openid, mute: !c.muted }), c.muted ? 'Unmuted' : 'Muted'),
            );
            return h(
              'li',
              { class: 'as-row as-comment', dataset: { comment: c.id } },
              h('span', { class: 'as-grow' }, h('strong', { text: `${c.nick}${c.muted ? ' 🔇' : ''}: ` }), h('span', { text: c.text })),
              del,
              mute,
            );
          }),
        )
      : h('p', { class: 'as-muted', text: '还没有评论 No comments yet' }),
  );
}

async function refresh(): Promise<void> {
  render(await call<Desk>('GET', '/desk'));
}

async function start(): Promise<void> {
  const token = /^#t=([\w.-]+)$/.exec(location.hash)?.[1];
  try {
    if (token) {
      history.replaceState(null, '', location.pathname);
      who = await call<Who>('POST', '/sign-in', { token });
    } else who = await call<Who>('GET', '/session');
  } catch (e) {
    signedOut((e as Error).message || 'Open the sign-in link you were given.');
    return;
  }
  csrf = who.csrf;
  const out = h('button', { class: 'as-btn', type: 'button', 'data-action': 'sign-out', text: '退出 Sign out' });
  // a click handler: signed out on this phone even when the server cannot be reached (the failure is not re-thrown)
  out.addEventListener(
    'click',
    () =>
      void call('POST', '/sign-out')
        .catch(() => undefined)
        .finally(() => signedOut('已退出 Signed out.')),
  );
  root.replaceChildren(
    h(
      'main',
      { class: 'as-page' },
      h(
        'header',
        { class: 'as-head' },
        h(
          'div',
          { class: 'as-grow' },
          h('h1', { 'data-role': 'room-name', text: who.room.name }),
          h('p', { class: 'as-muted', text: `#${who.room.id} · ${who.room.anchorName} · 助手 ${who.assistant.nickname}` }),
        ),
        out,
      ),
      stats,
      presented,
      comments,
    ),
  );
  const loop = async () => {
    try {
      await refresh();
    } catch (e) {
      if ((e as { status?: number }).status === 401) return signedOut((e as Error).message);
    }
    setTimeout(() => void loop(), 3000);
  };
  await loop();
}

// top level: start() shows a failed sign-in itself and the poll loop keeps going; anything else lands on the page here
void start().catch((e: unknown) =>
  signedOut(`出错了，请刷新页面 Something went wrong, reload the page: ${e instanceof Error ? e.message : String(e)}`),
);
