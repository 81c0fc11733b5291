/**
 * The anchor page (`/anchor/?room_id=ID#ticket=…`): a phone becomes the room's camera. The one-time ticket from the
 * console's QR code is spent at once (and removed from the address bar); after that the room's anchor cookie is used.
 */
import './anchor.css';
import { type AnchorRoom, AnchorRoutes } from '@zhibo/protocol';
import { ApiError, call } from './api.js';
import { h } from './dom.js';
import { AnchorPage } from './page.js';

declare global {
  interface Window {
    __zhiboAnchor?: AnchorPage;
  }
}

function message(root: HTMLElement, title: string, text: string): void {
  document.body.dataset.state = 'message';
  root.replaceChildren(h('div', { class: 'an-message' }, h('h1', { text: title }), h('p', { text })));
}

async function boot(): Promise<void> {
  const root = document.getElementById('zb-anchor') ?? document.body.appendChild(h('div', { id: 'zb-anchor' }));
  const roomId = Number(new URLSearchParams(location.search).get('room_id'));
  if (!Number.isInteger(roomId) || roomId <= 0)
    return message(root, '链接无效 · Invalid link', '这个链接缺少直播间号 · This link has no room_id.');
  const ticket = new URLSearchParams(location.hash.slice(1)).get('ticket');
  // The ticket works once: take it out of the address bar (and history) before anything else.
  if (ticket) history.replaceState(null, '', `${location.pathname}${location.search}`);
  let room: AnchorRoom;
  try {
    room = ticket
      ? await call<AnchorRoom>('POST', AnchorRoutes.signIn(roomId), { ticket })
      : await call<AnchorRoom>('GET', AnchorRoutes.room(roomId));
  } catch (e) {
    const err = e as ApiError;
    if (err.status === 401) return message(root, '请扫码登录 · Sign in', `${err.message}`);
    return message(root, '打不开这个直播间 · Cannot open the room', err.message);
  }
  if (!window.isSecureContext) {
    return message(
      root,
      '需要 HTTPS · HTTPS needed',
      '浏览器只在 HTTPS 页面上允许使用摄像头。请让管理员为 zhibo 配置 HTTPS。Browsers allow the camera on https:// pages only: serve zhibo over HTTPS (ZHIBO_PUBLIC_URL).',
    );
  }
  const page = new AnchorPage(root, room);
  window.__zhiboAnchor = page;
  await page.start();
}

// top level: boot() shows its expected failures (bad link, sign-in, no HTTPS) itself; anything else lands on the page here
void boot().catch((e: unknown) => {
  const root = document.getElementById('zb-anchor') ?? document.body;
  message(root, '出错了 · Something went wrong', `${e instanceof Error ? e.message : String(e)} — 请刷新页面 · reload the page`);
});
