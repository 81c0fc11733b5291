/** The start message's paragraph on links: which public address they use and how to change it (http/base-url.ts). */
import { hostnameOf, isLoopbackHost } from '../http/base-url.js';
import type { Config } from './config.js';

export function addressLines(c: Config, urls: { http: string; rtmp: string }): string[] {
  const head = 'Links (room links, QR codes, posters, image and replay URLs, push URLs):';
  if (c.publicUrl && !isLoopbackHost(hostnameOf(c.publicUrl)))
    return [
      head,
      `  use ZHIBO_PUBLIC_URL=${c.publicUrl}${c.rtmpPublicUrl ? ` and ZHIBO_RTMP_PUBLIC_URL=${c.rtmpPublicUrl}` : ` (push URLs: ${urls.rtmp})`}.`,
      '  To change them, set ZHIBO_PUBLIC_URL (and ZHIBO_RTMP_PUBLIC_URL) and restart.',
    ];
  if (isLoopbackHost(hostnameOf(urls.http).replace(/^\[|\]$/g, '')))
    return [
      head,
      `  use ${urls.http} — this machine only: a phone can not open them.`,
      '  For phones on your network: npm start -- --http 0.0.0.0:8080  (or zhibo serve --http 0.0.0.0:8080).',
      '  Behind a domain or a proxy: ZHIBO_PUBLIC_URL=https://live.example.com (and ZHIBO_TRUST_PROXY for X-Forwarded-* headers).',
    ];
  return [
    head,
    `  use the address each request came in by (a phone that opens ${urls.http}/console/ gets links to ${urls.http});`,
    `  requests to 127.0.0.1 and links made without a request (reminders) use ${urls.http}, push URLs ${urls.rtmp}.`,
    '  To pin one address (a domain, a proxy): ZHIBO_PUBLIC_URL=https://live.example.com, and ZHIBO_TRUST_PROXY for X-Forwarded-* headers.',
  ];
}
