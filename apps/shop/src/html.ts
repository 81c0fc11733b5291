/**
 * HTML for the demo shop: escaped text only, one stylesheet inline (allowed by its hash in the page's
 * Content-Security-Policy), no inline script, no style attributes (a URL in one could inject CSS).
 */
import { createHash } from 'node:crypto';

export const esc = (v: string | number | null | undefined): string => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const fen = (n: number): string => `¥${(n / 100).toFixed(2)}`;

export function priceHtml(g: { price: number; price2?: number; price_type?: number }): string {
  if (g.price_type === 2) return `${fen(g.price)} – ${fen(g.price2 ?? 0)}`;
  if (g.price_type === 3) return `<span class="now">${fen(g.price2 ?? 0)}</span> <s>${fen(g.price)}</s>`;
  return fen(g.price);
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f1a17;background:#faf7f2}
a{color:#9c3d10}header.top{background:#2d2520;color:#f5ede4;padding:14px 18px;display:flex;align-items:center;gap:10px}
header.top a{color:inherit;text-decoration:none;font-weight:800;font-size:19px;letter-spacing:.02em}header.top small{color:#c8b8a6}
main{max-width:980px;margin:0 auto;padding:18px 16px 48px}h1{font-size:24px;margin:6px 0 4px}h2{font-size:18px;margin:26px 0 10px}
.muted{color:#7a6e64}.grid{display:grid;gap:14px;grid-template-columns:repeat(auto-fill,minmax(280px,1fr))}
.room{background:#fff;border:1px solid #eadfd3;border-radius:14px;overflow:hidden;display:flex;flex-direction:column}
.cover{aspect-ratio:16/9;background:#e9dfd4;position:relative;overflow:hidden}.cover img{position:absolute;inset:0;width:100%;height:100%;object-fit:cover}
.pill{position:absolute;left:10px;top:10px;background:#e5484d;color:#fff;font-weight:700;font-size:12px;padding:2px 10px;border-radius:99px}
.pill.up{background:#2d2520}.body{padding:12px 14px 14px;display:flex;flex-direction:column;gap:8px;flex:1}
.body h3{margin:0;font-size:16px}.row{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin-top:auto}
.btn{display:inline-block;background:#9c3d10;color:#fff!important;text-decoration:none;font-weight:700;padding:8px 16px;border-radius:10px}
.btn.ghost{background:#fff;color:#9c3d10!important;border:1px solid #e2c9b5}
.goods{display:flex;gap:6px;flex-wrap:wrap}.goods span{background:#f6efe7;border-radius:8px;padding:2px 8px;font-size:13px}
.empty{background:#fff;border:1px dashed #d9c9b8;border-radius:14px;padding:26px;text-align:center;color:#7a6e64}
.product{display:grid;gap:20px;grid-template-columns:1fr}@media(min-width:760px){.product{grid-template-columns:320px 1fr}}
.product img{width:100%;aspect-ratio:1;object-fit:cover;border-radius:14px;background:#eee}
.price{font-size:24px;color:#c2410c;font-weight:800}.price s{font-size:15px;color:#8a7f76;font-weight:400}
table.params{border-collapse:collapse;width:100%;background:#fff;border:1px solid #eadfd3;border-radius:12px;overflow:hidden;font-size:14px}
table.params th,table.params td{text-align:left;padding:9px 12px;border-bottom:1px solid #f0e6db;vertical-align:top}
table.params th{width:150px;color:#7a6e64;font-weight:600}table.params td code{word-break:break-all}
.back{margin:10px 0 18px}.back zhibo-back-to-live{display:inline-block}
.banner{background:#fff3e6;border:1px solid #f2d3b3;border-radius:12px;padding:10px 14px;margin-bottom:14px}
footer{color:#9a8e84;font-size:13px;text-align:center;padding:20px}
form.buy{margin:16px 0}.explain{display:block;margin:22px 0 0;max-width:560px}
`;

/** An http(s) URL (what may go in an img src). */
export const httpUrl = (v: string | null | undefined): boolean => typeof v === 'string' && /^https?:\/\/[^\s"'<>\\]+$/i.test(v);

const STYLE_HASH = `'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'`;

/** The shop pages' policy: scripts from the shop and zhibo only (the SDK), the one inline stylesheet by hash. */
export function shopCsp(zhibo: string): string {
  let origin = '';
  try {
    origin = new URL(zhibo).origin;
  } catch {
    origin = '';
  }
  return [
    "default-src 'self'",
    `script-src 'self' ${origin}`.trim(),
    `style-src 'self' ${STYLE_HASH}`,
    "img-src 'self' data: http: https:",
    "connect-src 'self' http: https: ws: wss:",
    "media-src 'self' blob: http: https:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The SDK tag the console's App settings shows (a classic script from zhibo's /sdk/, CORS), plus the shop's own script. */
export function page(title: string, zhibo: string, body: string, appid = ''): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · 茶舍 Tea House</title><style>${CSS}</style>
<script src="${esc(zhibo)}/sdk/zhibo-sdk.js"${appid ? ` data-appid="${esc(appid)}"` : ''} defer></script>
<script src="/shop.js" defer></script></head>
<body><header class="top"><a href="/">茶舍 Tea House</a><small>demo shop · powered by zhibo live</small></header>
<main>${body}</main><footer>This is the demo merchant site of zhibo: your own site works the same way.</footer></body></html>`;
}
