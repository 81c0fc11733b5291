// npm run bench -- images: what decodeImage and the share poster cost.
// Prints, per operation: wall time (median of N), CPU time per operation (process.cpuUsage, all threads: sharp works
// in libuv's pool) and how late the event loop ran a 1 ms timer while the operation ran (monitorEventLoopDelay).
// Env: BENCH_N (default 20).
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import sharp from 'sharp';
import { decodeImage } from '../packages/server/dist/modules/images/decode.js';
import { renderPoster, renderShareCard } from '../packages/server/dist/modules/share/poster.js';
import { table } from './lib.mjs';

const N = Number(process.env.BENCH_N ?? 20);

/** A photo-like JPEG: a gradient with fine noise (more noise, more bytes). */
async function photo(width, height, sigma, quality = 85) {
  const grad = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="#fc6"/><stop offset="1" stop-color="#369"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
  );
  const noise = await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 0, sigma } } })
    .png()
    .toBuffer();
  return sharp(grad)
    .composite([{ input: noise, blend: 'add' }])
    .jpeg({ quality })
    .toBuffer();
}

/**
 * Run fn N times (after 2 warm-ups): median wall ms and CPU ms per run (process.cpuUsage counts every thread, so
 * sharp's pool work is in it); then N more runs under monitorEventLoopDelay (a 1 ms libuv timer, not a busy loop)
 * for the event loop's worst delay.
 */
async function measure(fn) {
  await fn();
  await fn();
  const walls = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await fn();
    walls.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  for (let i = 0; i < N; i++) await fn();
  h.disable();
  walls.sort((a, b) => a - b);
  return {
    wall: walls[Math.floor(N / 2)],
    cpu: (cpu.user + cpu.system) / 1000 / N,
    delayMax: h.max / 1e6,
    delayP99: h.percentile(99) / 1e6,
  };
}

const small = await photo(2100, 1575, 60, 92);
const big = await photo(4000, 3000, 17);
const cover = await photo(1080, 1920, 10);
const avatar = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#36c' } })
  .png()
  .toBuffer();
const poster = {
  roomName: '周末直播间：新品上市，全场包邮',
  anchorName: '主播小王',
  startTime: 1_796_126_400,
  cover,
  avatar,
  link: 'https://live.example.com/room/?room_id=42',
};
const mb = (b) => `${(b.length / 1024 / 1024).toFixed(2)} MB`;

const rows = [];
const row = (name, m) =>
  rows.push({
    operation: name,
    'wall ms (median)': m.wall.toFixed(1),
    'CPU ms / op': m.cpu.toFixed(1),
    'event-loop delay p99 / max ms': `${m.delayP99.toFixed(1)} / ${m.delayMax.toFixed(1)}`,
  });
row('(baseline: the event loop idle, 50 ms timer)', await measure(() => new Promise((r) => setTimeout(r, 50))));
row(`decodeImage: ${mb(small)} JPEG 2100×1575 (noisy) → re-encoded`, await measure(() => decodeImage(small)));
row(`decodeImage: ${mb(big)} JPEG 4000×3000 (12 MP photo-like) → re-encoded`, await measure(() => decodeImage(big)));
row('renderPoster → PNG (cover 1080×1920 JPEG, avatar)', await measure(() => renderPoster(poster)));
row('renderPoster → JPEG', await measure(() => renderPoster({ ...poster, format: 'jpeg' })));
row('renderShareCard → JPEG 500×400', await measure(() => renderShareCard(poster)));
console.log(
  `\nnpm run bench -- images  (N=${N}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ${cpus().length} cores, vips threads ${sharp.concurrency()})\n`,
);
console.log(table(rows));
