/**
 * Migration 11: this server's images are stored as paths (`/img/ID`) and get the reader's public address when they
 * are handed out (http/base-url.ts). Rows written before stored the listen address, which was 127.0.0.1 unless
 * ZHIBO_PUBLIC_URL was set: those loopback URLs become paths, so phones get links they can open. Other URLs (the
 * configured public URL, a merchant's own CDN) are kept as they are.
 * Also: subscriptions by viewer (the site channel's welcome lists the viewer's subscribed rooms that are live), and the
 * notice a merchant pins above a room's chat.
 */
const LOOPBACK_IMG = String.raw`^https?://(127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|localhost|\[::1\])(:[0-9]{1,5})?(/img/[A-Za-z0-9_-]{1,64})$`;
const strip = (col: string) => `${col} = regexp_replace(${col}, '${LOOPBACK_IMG}', '\\3')`;

export default `
UPDATE rooms SET ${strip('cover_img')}, ${strip('share_img')}, ${strip('feeds_img')}, ${strip('anchor_img')};
UPDATE goods SET ${strip('cover_img')};
CREATE INDEX subscriptions_viewer ON subscriptions (appid, openid) WHERE kind = 'room';
ALTER TABLE room_interaction ADD COLUMN notice text;
`;
