/** The demo merchant app and room that `zhibo serve --demo` (the README's first command) sets up. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { LiveStatus } from '@zhibo/protocol';
import type { ZhiboServices } from './zhibo.js';

/** A solid-colour PNG (for demo covers) without any image library. */
export function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface DemoInfo {
  appid: string;
  appsecret: string;
  roomId: number;
  pushAddr: string;
}

/** Idempotent: reuses the demo app (credentials kept in DATA/demo-app.json) and a room that can still go live. */
export async function ensureDemo(s: ZhiboServices, nowSec: number): Promise<DemoInfo> {
  const file = join(s.config.dataDir, 'demo-app.json');
  let creds: { appid: string; appsecret: string } | undefined;
  if (existsSync(file)) {
    creds = JSON.parse(readFileSync(file, 'utf8')) as { appid: string; appsecret: string };
    if (!(await s.apps.get(creds.appid))) creds = undefined;
  }
  if (!creds) {
    creds = await s.apps.create('Demo shop');
    writeFileSync(file, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  }
  const { appid } = creds;
  const { rooms } = await s.rooms.page(appid, 0, 50);
  let room = rooms.find((r) =>
    ([LiveStatus.NotStarted, LiveStatus.Live, LiveStatus.Paused, LiveStatus.Abnormal] as number[]).includes(
      s.rooms.cachedStatus(r.id)?.status ?? r.live_status,
    ),
  );
  if (!room) {
    const cover = await s.images.upload(appid, solidPng(108, 192, [230, 57, 70]));
    const share = await s.images.upload(appid, solidPng(80, 64, [29, 53, 87]));
    const avatar = await s.images.upload(appid, solidPng(64, 64, [69, 123, 157]));
    const roomId = await s.rooms.create(appid, {
      name: 'zhibo 演示直播间',
      coverImg: cover.media_id,
      shareImg: share.media_id,
      anchorImg: avatar.media_id,
      startTime: nowSec + 60,
      endTime: nowSec + 23 * 3600,
      anchorName: '演示主播',
      type: 1,
      screenType: 0,
      closeLike: 0,
      closeGoods: 0,
      closeComment: 0,
      closeReplay: 0,
    });
    const g1 = await s.goods.add(appid, {
      coverImgUrl: cover.media_id,
      name: '演示商品 Tea',
      priceType: 1,
      price: '11.00',
      url: 'pages/goods/detail?id=1',
    });
    const g2 = await s.goods.add(appid, {
      coverImgUrl: share.media_id,
      name: '演示商品 Cup',
      priceType: 3,
      price: '99.00',
      price2: '59.90',
      url: 'pages/goods/detail?id=2',
    });
    await s.goods.addToRoom(appid, roomId, [g1.goodsId, g2.goodsId]);
    room = await s.rooms.get(appid, roomId);
  }
  return { ...creds, roomId: room.id, pushAddr: `${s.urls().rtmp}/${room.id}?key=${room.stream_key}` };
}
