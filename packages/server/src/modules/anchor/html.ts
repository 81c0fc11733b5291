/** The anchor page's HTML shell: the bundle (anchor.js + anchor.css, apps/anchor) renders everything; no inline script. */
import { WebRoutes } from '@zhibo/protocol';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Camera and microphone from this origin only; the WHIP POST and the API are same-origin. */
export const ANCHOR_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function anchorPageHtml(p: { title?: string; v: string }): string {
  const b = WebRoutes.build;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover, user-scalable=no">
<meta name="theme-color" content="#000000">
<meta name="referrer" content="no-referrer">
<meta name="format-detection" content="telephone=no">
<title>${esc(p.title ? `${p.title} · 开播` : '开播 · Go live')}</title>
<link rel="stylesheet" href="${b}anchor.css?v=${esc(p.v)}">
</head>
<body>
<div id="zb-anchor"><p class="an-boot">加载中… Loading</p></div>
<noscript><p>开播页需要 JavaScript。The anchor page needs JavaScript.</p></noscript>
<script type="module" src="${b}anchor.js?v=${esc(p.v)}"></script>
</body>
</html>
`;
}
