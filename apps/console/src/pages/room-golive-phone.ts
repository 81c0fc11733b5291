/**
 * Go live from a phone (the anchor page, one-time QR sign-in) and WHIP for OBS 30+ and other WebRTC publishers —
 * the go-live tab's cards beside RTMP.
 */
import { h } from '../dom.js';
import { busy, button, card, copyField } from '../ui.js';
import type { RoomView } from './room.js';

interface AnchorLink {
  url: string;
  expiresInMs: number;
  qr: string;
}

const FINAL = [103, 104, 107];

/** "Scan to go live": a QR code of a one-time sign-in link (10 minutes, this room only), or open it on this device. */
export function phoneCard(v: RoomView): HTMLElement {
  const { ctx, room } = v;
  const box = h('div', { class: 'anchor-qr' });
  const fetchLink = (btn: HTMLButtonElement) => busy(btn, () => ctx.api.post<AnchorLink>(`/rooms/${room.id}/anchor-link`));
  let countdown: ReturnType<typeof setInterval> | undefined;
  ctx.onDispose(() => clearInterval(countdown));
  const showQr = async (e: Event) => {
    const link = await fetchLink(e.currentTarget as HTMLButtonElement);
    if (!link) return;
    clearInterval(countdown);
    const deadline = Date.now() + link.expiresInMs;
    const left = h('span', { class: 'hint' });
    const tick = () => {
      const s = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      left.textContent =
        s > 0
          ? `Valid for one sign-in, ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} left. Works for this room only.`
          : 'Expired: make a new code.';
      if (s <= 0) {
        clearInterval(countdown);
        box.querySelector('img')?.classList.add('is-expired');
      }
    };
    countdown = setInterval(tick, 1000);
    tick();
    box.replaceChildren(
      h('img', {
        class: 'anchor-qr-img',
        src: link.qr,
        alt: 'QR code: scan with the phone’s camera to open the anchor page',
        'data-anchor-url': link.url,
      }),
      left,
    );
  };
  const here = async (e: Event) => {
    const link = await fetchLink(e.currentTarget as HTMLButtonElement);
    if (link) location.assign(link.url);
  };
  if (!room.whipUrl)
    return card(
      'Go live from a phone',
      h('p', {
        class: 'hint',
        text: 'WHIP ingest is off on this server (ZHIBO_WHIP=0), so phones and OBS’s WHIP output can not publish. Use RTMP.',
      }),
    );
  if (FINAL.includes(room.status)) return card('Go live from a phone', h('p', { class: 'hint', text: 'This room can no longer go live.' }));
  return card(
    'Go live from a phone',
    h('p', {
      class: 'hint',
      text: 'Scan with the anchor’s phone: it opens the anchor page signed in to this room — camera preview, a big Go live button, comments and the shelf. The phone needs to reach this server over HTTPS.',
    }),
    box,
    h(
      'div',
      { class: 'row-end' },
      button('Go live from this device', (e) => void here(e), 'secondary', { 'data-action': 'anchor-here' }),
      button('Show QR code', (e) => void showQr(e), 'primary', { 'data-action': 'anchor-qr' }),
    ),
  );
}

/** OBS 30+ (Service: WHIP) and any WHIP client: the endpoint and its Bearer token. */
export function whipCard(v: RoomView): HTMLElement | null {
  const { room } = v;
  if (!room.whipUrl) return null;
  const obs = h(
    'dl',
    { class: 'obs' },
    ...(
      [
        ['Service', 'WHIP'],
        ['Server', room.whipUrl],
        ['Bearer Token', 'the Bearer token above (the RTMP stream key’s secret)'],
        ['Encoder', 'x264 or hardware H.264 (OBS turns B-frames off for WHIP); audio is Opus'],
        ['Keyframe interval', '2 s'],
        ['Bitrate', '1500–2500 Kbps at 720p'],
      ] as const
    ).flatMap(([k, val]) => [h('dt', { text: k }), h('dd', { text: val })]),
  );
  return card(
    'WHIP (OBS 30+, WebRTC)',
    h(
      'div',
      { class: 'stack' },
      copyField('WHIP URL', room.whipUrl, { name: 'whip-url', hint: 'OBS → Settings → Stream → Service: WHIP → Server' }),
      copyField('Bearer token', room.bearerToken, {
        name: 'whip-token',
        mask: true,
        hint: 'OBS → Bearer Token. The same secret as the RTMP stream key.',
      }),
    ),
    h('h3', { class: 'card-sub', text: 'OBS 30+ settings (WHIP)' }),
    obs,
    h('p', {
      class: 'hint',
      text: 'WHIP carries video as H.264 only (VP8/VP9/AV1-only publishers are refused). One publisher per room, whatever the protocol.',
    }),
  );
}
