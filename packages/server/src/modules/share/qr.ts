/**
 * The room link as a QR code raster: whole, black on white, a 4-module quiet zone, an integer number of pixels per
 * module (no blurred edges), as large as fits the box it is given.
 */
import QRCode from 'qrcode';
import sharp from 'sharp';
import { PosterError } from './errors.js';
import type { QrWorker } from './qr-worker.js';

export const QUIET_ZONE_MODULES = 4;
/** Smallest module that still scans from a phone screen or a print at the poster's size. */
export const MIN_MODULE_PX = 3;

export interface QrRaster {
  /** PNG, greyscale, `size` × `size` pixels including the quiet zone. */
  png: Buffer;
  size: number;
  /** Pixels per module. */
  modulePx: number;
  /** Modules per side, without the quiet zone. */
  modules: number;
  version: number;
}

/**
 * The link as a `size`×`size` greyscale PNG (the `/qr` image, WeChat's 430 px): whole modules, centred, white around.
 * The matrix and the pixels are made in a worker thread (qr-worker.ts), the PNG is encoded by sharp on libuv's pool:
 * nothing of it runs on the main thread (node-qrcode's own PNG writer took ~15 ms of it per image, issue 10).
 */
export async function qrPng(text: string, size: number, worker: QrWorker): Promise<Buffer> {
  const px = await worker.pixels(text, size, QUIET_ZONE_MODULES);
  return sharp(px, { raw: { width: size, height: size, channels: 1 } })
    .png()
    .toBuffer();
}

export async function qrRaster(text: string, box: number): Promise<QrRaster> {
  let code: QRCode.QRCode;
  try {
    code = QRCode.create(text, { errorCorrectionLevel: 'M' });
  } catch (e) {
    throw new PosterError('link_too_long', `the link (${text.length} characters) does not fit in a QR code`, { cause: e });
  }
  const n = code.modules.size;
  const side = n + 2 * QUIET_ZONE_MODULES;
  const modulePx = Math.floor(box / side);
  if (modulePx < MIN_MODULE_PX)
    throw new PosterError(
      'link_too_long',
      `the link (${text.length} characters) needs a ${n}×${n} QR code; at ${box} px that is ${(box / side).toFixed(1)} px a module, below the ${MIN_MODULE_PX} px that scans`,
    );
  const size = side * modulePx;
  const px = Buffer.alloc(size * size, 255);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!code.modules.get(r, c)) continue;
      const y0 = (r + QUIET_ZONE_MODULES) * modulePx;
      const x0 = (c + QUIET_ZONE_MODULES) * modulePx;
      for (let y = y0; y < y0 + modulePx; y++) px.fill(0, y * size + x0, y * size + x0 + modulePx);
    }
  }
  const png = await sharp(px, { raw: { width: size, height: size, channels: 1 } })
    .png()
    .toBuffer();
  return { png, size, modulePx, modules: n, version: code.version };
}
