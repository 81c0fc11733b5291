/** The room page's HTML shell: the bundles (room.js + room.css) render everything else. */
import { WebRoutes } from '@zhibo/protocol';
import { cspHash, pageCsp } from '../../http/security.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The one inline style (what shows before room.css loads); the page's CSP allows exactly it by hash. */
const BOOT_STYLE =
  'html,body{margin:0;height:100%;background:#000;color:#fff}#zb-boot{position:fixed;inset:0;display:grid;place-items:center;font:14px -apple-system,BlinkMacSystemFont,"PingFang SC",sans-serif;color:#ffffff99}.zb-noscript{padding:24px}';

/** The room page's Content-Security-Policy: no inline script, no `javascript:` URLs; the boot style by hash. */
export const ROOM_PAGE_CSP = pageCsp({ styleHashes: [cspHash(BOOT_STYLE)] });

/** The shell's few words follow the browser's first language, like the page (Chinese unless it is another language). */
export function shellLanguage(acceptLanguage: string | undefined): 'zh' | 'en' {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim() ?? '';
  return !first || first === '*' || /^zh\b/i.test(first) ? 'zh' : 'en';
}

export function roomPageHtml(p: { title?: string; description?: string; image?: string; v: string; lang?: 'zh' | 'en' }): string {
  const en = p.lang === 'en';
  const title = p.title ? `${p.title} · ${en ? 'Live' : '直播'}` : en ? 'Live room' : '直播间';
  const b = WebRoutes.build;
  return `<!doctype html>
<html lang="${en ? 'en' : 'zh-CN'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover, user-scalable=no">
<meta name="theme-color" content="#000000">
<meta name="format-detection" content="telephone=no">
<title>${esc(title)}</title>
<meta property="og:type" content="video.other">
<meta property="og:title" content="${esc(title)}">
${p.description ? `<meta property="og:description" content="${esc(p.description)}">\n` : ''}${p.image ? `<meta property="og:image" content="${esc(p.image)}">\n` : ''}<link rel="stylesheet" href="${b}room.css?v=${esc(p.v)}">
<link rel="modulepreload" href="${b}room.js?v=${esc(p.v)}">
<style>${BOOT_STYLE}</style>
</head>
<body>
<div id="zb-app"></div>
<div id="zb-boot">${en ? 'Loading…' : '加载中…'}</div>
<noscript><p class="zb-noscript">${en ? 'This live room needs JavaScript.' : '这个直播间需要 JavaScript。'}</p></noscript>
<script type="module" src="${b}room.js?v=${esc(p.v)}"></script>
</body>
</html>
`;
}
