/** The public address links use, said plainly on the Share and Go live pages (server: http/base-url.ts). */
import { h } from './dom.js';

export interface PublicAddress {
  http: string;
  rtmp: string;
  source: 'ZHIBO_PUBLIC_URL' | 'request' | 'listen';
  loopbackOnly: boolean;
}

export function addressNote(a: PublicAddress, what: 'links' | 'push'): HTMLElement {
  const uses = what === 'push' ? `Push URLs use ${a.rtmp}` : `Links, the code and the poster use ${a.http}`;
  let why: string;
  let change: string;
  if (a.source === 'ZHIBO_PUBLIC_URL') {
    why = what === 'push' ? '' : ' (ZHIBO_PUBLIC_URL).';
    change = 'To change it, set ZHIBO_PUBLIC_URL (and ZHIBO_RTMP_PUBLIC_URL) on the server and restart.';
  } else if (a.source === 'request') {
    why = ', the address you opened the console with.';
    change = 'Phones and encoders must reach it. To pin another address (a domain, a proxy), set ZHIBO_PUBLIC_URL on the server.';
  } else if (a.loopbackOnly) {
    why = ': only this computer can open them, a phone can not.';
    change =
      'Restart with npm start -- --http 0.0.0.0:8080 and open the console by this computer’s network address, or set ZHIBO_PUBLIC_URL.';
  } else {
    why = ', this server’s network address.';
    change = 'To change it, set ZHIBO_PUBLIC_URL on the server and restart.';
  }
  return h(
    'div',
    {
      class: `address-note${a.loopbackOnly ? ' is-warning' : ''}`,
      role: a.loopbackOnly ? 'alert' : 'note',
      'data-address-source': a.source,
    },
    h('strong', { text: `${uses}${why || '.'}` }),
    ' ',
    h('span', { text: change }),
  );
}
