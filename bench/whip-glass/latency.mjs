// The latency part of `npm run bench -- whip`: glass to glass, WHIP → HTTP-FLV vs RTMP → HTTP-FLV, in Chromium.
// The time code and its reader, the player page and the per-join figures are the latency bench's (bench/glass: a
// 48-bit ms capture wall-clock + CRC-16 burned into each frame as black/white blocks; the page reads the code of every
// presented frame at requestVideoFrameCallback; latency = display wall-clock − capture wall-clock, one machine, one
// clock). Three publishers in turn to one room of one zhibo:
//   rtmp         ffmpeg: stamped raw frames → libx264 zerolatency → RTMP                  (bench/servers/whip-glass-pub.mjs)
//   whip         the same frames and encoder → RTP → werift → WHIP (ICE/DTLS/SRTP)       (same child, --proto whip)
//   whip-chrome  Chromium: the code painted on a canvas at capture → captureStream → Chromium's WebRTC H.264 → WHIP
//                (the anchor page's path: the browser's encoder, pacing and jitter handling included)
// Each is joined `joins` times per round by mpegts.js (HTTP-FLV, stash buffer off, latency chasing on: the same player
// config for all), each join measured for `seconds` from its first frame; rounds repeat the three in the same order.
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { launchBrowser } from '../../packages/testkit/dist/browser.js';
import { METER_SCRIPT, servePlayerPage, startPlayer } from '../glass/page.mjs';
import { pool, summarizeJoin } from '../glass/stats.mjs';
import { table } from '../lib.mjs';
import { servePublisherPage } from './publisher-page.mjs';

const FPS = 25;
const CHASE = { enableStashBuffer: false, liveBufferLatencyChasing: true };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function latencyPart({ rounds, joins, seconds, bitrate, log, track }) {
  const stops = [];
  const child = async (script, args) => {
    const c = track(fork(new URL(script, import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const info = await new Promise((resolve, reject) => {
      c.once('message', resolve);
      c.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
    });
    const stop = () => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : (c.once('exit', r), c.send('stop'))));
    return { c, info, stop };
  };
  const status = async (http, roomId) => (await (await fetch(`${http}/api/plugin/v1/status?room_id=${roomId}`)).json()).liveStatus;
  const flvHasVideo = (http, roomId) =>
    fetch(`${http}/live/${roomId}.flv`)
      .then(async (res) => {
        // the FLV header, metadata and sequence headers come at once when a publisher is there; then the GOP cache
        const reader = res.body.getReader();
        let n = 0;
        const end = Date.now() + 3000;
        while (n < 20_000 && Date.now() < end) n += (await reader.read()).value?.length ?? 0;
        await reader.cancel();
        return n >= 20_000;
      })
      .catch(() => false);
  const waitFor = async (what, fn, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!(await fn())) {
      if (Date.now() > end) throw new Error(`bench whip latency: ${what} not within ${ms} ms`);
      await sleep(250);
    }
  };
  try {
    const z = await child('../servers/whip-glass-zhibo.mjs', []);
    stops.unshift(async () => {
      await z.stop();
      rmSync(z.info.dataDir, { recursive: true, force: true });
    });
    const { http, pushAddr, whipUrl, key, roomId, host } = z.info;
    log(`zhibo at ${http}, room ${roomId}, WHIP UDP on ${host}`);
    const playerPage = await servePlayerPage();
    stops.unshift(() => playerPage.close());
    const pubPage = await servePublisherPage();
    stops.unshift(() => pubPage.close());
    const viewer = await launchBrowser();
    stops.unshift(() => viewer.close());
    const ctx = await viewer.context('desktop');
    await ctx.addInitScript({ content: METER_SCRIPT });
    const chrome = await launchBrowser();
    stops.unshift(() => chrome.close());

    const publishers = {
      rtmp: async () => {
        const p = await child('../servers/whip-glass-pub.mjs', ['--proto', 'rtmp', '--url', pushAddr, '--bitrate', bitrate]);
        return p.stop;
      },
      whip: async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            return (
              await child('../servers/whip-glass-pub.mjs', [
                '--proto',
                'whip',
                '--url',
                whipUrl,
                '--key',
                key,
                '--host',
                host,
                '--bitrate',
                bitrate,
              ])
            ).stop;
          } catch (e) {
            if (attempt === 3) throw e;
            log(`whip publisher: ${e.message}; trying again`);
            await sleep(3000);
          }
        }
      },
      'whip-chrome': async () => {
        const page = await (await chrome.context('desktop')).newPage();
        await page.goto(pubPage.url);
        await page.evaluate(([u, k, b]) => globalThis.publish(u, k, b), [whipUrl, key, Number.parseInt(bitrate, 10) * 1000]);
        return async () => {
          await page.evaluate(() => globalThis.unpublish()).catch(() => {});
          await page.context().close();
        };
      },
    };

    async function join() {
      const page = await ctx.newPage();
      let state;
      try {
        await page.goto(playerPage.url);
        await page.evaluate(startPlayer, { kind: 'mpegts', url: `${http}/live/${roomId}.flv`, config: CHASE });
        await page.waitForFunction(() => globalThis.__glass?.state.frames.length > 0, undefined, { timeout: 30_000 });
        await sleep(seconds * 1000 + 300);
        state = await page.evaluate(() => globalThis.__glass.state);
      } catch (e) {
        log(`join failed: ${e.message.split('\n')[0]}`);
        state = { frames: [], bad: 0, waiting: [], probes: [], seeks: 0 };
      } finally {
        await page.close().catch(() => {});
      }
      return summarizeJoin(state, seconds * 1000, 1000 / FPS);
    }

    const names = Object.keys(publishers);
    const results = Object.fromEntries(names.map((n) => [n, []]));
    const allJoins = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < rounds; r++) {
      for (const name of names) {
        const stop = await publishers[name]();
        try {
          await waitFor(`${name}: the room live (101)`, async () => (await status(http, roomId)) === 101);
          await waitFor(`${name}: video on HTTP-FLV`, () => flvHasVideo(http, roomId));
          await sleep(2000);
          const js = [];
          for (let j = 0; j < joins; j++) {
            const s = await join();
            js.push(s);
            log(
              `round ${r + 1} ${name} join ${j + 1}: ${s.ok ? `median ${s.median} ms, p95 ${s.p95}, first ${s.first}, ttff ${s.ttffMs} ms, freezes ${s.freezes}` : 'no frames'}${s.bad ? `, ${s.bad} unreadable` : ''}`,
            );
            await sleep(500 + Math.round(Math.random() * 1000)); // joins land at different points of the GOP
          }
          results[name].push(pool(js));
          allJoins[name].push(...js);
        } finally {
          await stop();
        }
        // the room goes 106; the next publisher makes it 101 again (a new session)
        await waitFor('the room to leave 101', async () => (await status(http, roomId)) !== 101, 20_000);
        await sleep(1000);
      }
    }
    const overall = Object.fromEntries(names.map((n) => [n, pool(allJoins[n])]));
    const rows = names.map((n) => ({
      publisher: n,
      joins: overall[n].joins,
      'joins failed': overall[n].failed,
      frames: overall[n].frames,
      'median ms': overall[n].median,
      'p95 ms': overall[n].p95,
      'round medians ms': results[n].map((p) => p.median).join(' / '),
      'join medians ms (min–max)': `${Math.min(...allJoins[n].filter((j) => j.ok).map((j) => j.median))}–${Math.max(...allJoins[n].filter((j) => j.ok).map((j) => j.median))}`,
      'first frame ms (median)': median(overall[n].first),
      freezes: overall[n].freezes,
    }));
    console.log(
      `\nGlass to glass, HTTP-FLV in Chromium (mpegts.js, stash off, chasing on); ${rounds} rounds × ${joins} joins × ${seconds} s per publisher; all frames of all joins pooled\n`,
    );
    console.log(table(rows));
    const m = (n) => overall[n].median;
    console.log(
      `\nWHIP − RTMP (same encoder): ${m('whip') - m('rtmp')} ms; Chromium's WHIP − RTMP: ${m('whip-chrome') - m('rtmp')} ms (medians)`,
    );
    return { rows, medians: Object.fromEntries(names.map((n) => [n, m(n)])) };
  } finally {
    for (const s of stops) await s().catch((e) => log(`stop: ${e.message}`));
  }
}

function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
}
