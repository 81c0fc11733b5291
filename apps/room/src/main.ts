/** The live room page (S-PLAYER-1..5): /room/?room_id=ID&custom_params=ENC[&type=][&scene=][&share_openid=&share_sig=][&close_share_ticket=1]. */
import './room.css';
import { createSdk, defineSubscribe, roomLinkFromQuery, type PlayerTech } from '@zhibo/sdk';
import { h } from './dom.js';
import { RoomPage } from './room.js';
import { LANG, T } from './text.js';

declare global {
  interface Window {
    __zhiboRoom?: RoomPage;
  }
}

const PLAYERS: readonly PlayerTech[] = ['flv', 'wsflv', 'hls.js', 'native-hls'];

function boot(): void {
  const app = document.getElementById('zb-app') ?? document.body.appendChild(h('div', { id: 'zb-app' }));
  document.getElementById('zb-boot')?.remove();
  document.documentElement.lang = LANG === 'en' ? 'en' : 'zh-CN';
  const q = new URLSearchParams(location.search);
  const link = roomLinkFromQuery(q);
  if (!link) {
    app.replaceChildren(h('div', { class: 'zb-fatal' }, h('h1', { text: T.badLinkTitle }), h('p', { text: T.badLink })));
    return;
  }
  const sdk = createSdk({ server: location.origin });
  defineSubscribe(() => sdk.client);
  const here = new URL(import.meta.url);
  const prefer = q.get('player') as PlayerTech | null;
  const latency = Number(q.get('latency'));
  const page = new RoomPage(app, sdk, link, {
    vendorUrl: (name) => new URL(`vendor/${name}.js${here.search}`, here).toString(),
    ...(prefer && PLAYERS.includes(prefer) ? { prefer } : {}),
    ...(latency >= 0.1 && latency <= 10 ? { latencyTargetSec: latency } : {}),
  });
  window.__zhiboRoom = page;
  // not awaited (boot is sync): start() retries the room read and shows a missing room itself; anything else lands on the page here
  void page.start().catch((e: unknown) => {
    app.replaceChildren(
      h('div', { class: 'zb-fatal' }, h('h1', { text: T.tryLater }), h('p', { text: e instanceof Error ? e.message : String(e) })),
    );
  });
}

boot();
