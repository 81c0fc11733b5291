// The load generator of `npm run bench -- realtime` (a child process: it does not share the server's event loop).
// Told {kind, port, roomId, n, seconds, chatPerSec, likesPerSec, probes, idle} over IPC; answers one result.
// kind 'zhibo' | 'ws' speak zhibo's JSON protocol over `ws`; 'sio' speaks the same messages as socket.io events.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { io } from 'socket.io-client';

const noop = () => {};

function connectWs(cfg, i, probe, onChat) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${cfg.port}/ws/room`, { perMessageDeflate: false, localAddress: `127.0.0.${2 + (i % 8)}` });
    const v = { send: (m) => ws.send(JSON.stringify(m)), close: () => ws.terminate(), closedEarly: false };
    const timer = setTimeout(() => reject(new Error('welcome timeout')), 20_000);
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.once('open', () =>
      ws.send(JSON.stringify({ type: 'hello', v: 1, roomId: cfg.roomId, deviceId: `bench-device-${cfg.run}-${i}`, sdkVersion: '1.0.4' })),
    );
    ws.once('message', () => {
      clearTimeout(timer);
      ws.on(
        'message',
        probe
          ? (d) => {
              const s = String(d);
              if (s.startsWith('{"type":"chat"')) onChat(JSON.parse(s).text);
            }
          : noop,
      );
      ws.on('close', () => {
        v.closedEarly = !v.closing;
      });
      resolve(v);
    });
  });
}

function connectSio(cfg, i, probe, onChat) {
  return new Promise((resolve, reject) => {
    const s = io(`http://127.0.0.1:${cfg.port}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      localAddress: `127.0.0.${2 + (i % 8)}`,
    });
    const v = { send: (m) => s.emit(m.type, m), close: () => s.disconnect(), closedEarly: false };
    const timer = setTimeout(() => reject(new Error('welcome timeout')), 20_000);
    s.once('connect_error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.once('connect', () =>
      s.emit('hello', { type: 'hello', v: 1, roomId: cfg.roomId }, () => {
        clearTimeout(timer);
        if (probe) s.on('chat', (m) => onChat(m.text));
        s.on('disconnect', () => {
          v.closedEarly = !v.closing;
        });
        resolve(v);
      }),
    );
  });
}

function pct(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(cfg) {
  const lat = [];
  const onChat = (text) => {
    if (typeof text === 'string' && text.startsWith('b:')) lat.push(performance.now() - Number(text.slice(2)));
  };
  const connect = cfg.kind === 'sio' ? connectSio : connectWs;
  const viewers = [];
  const t0 = performance.now();
  let next = 0;
  const failures = [];
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < cfg.n && failures.length === 0) {
        const i = next++;
        try {
          viewers.push(await connect(cfg, i, i < cfg.probes, onChat));
        } catch (e) {
          failures.push(e.message);
        }
      }
    }),
  );
  const connectMs = performance.now() - t0;
  const stop = () => {
    for (const v of viewers) {
      v.closing = true;
      v.close();
    }
  };
  if (failures.length) {
    stop();
    return { ok: false, reason: `connect failed after ${viewers.length}: ${failures[0]}`, connectMs };
  }
  if (cfg.idle) return { ok: true, connectMs, viewers, stop };
  const senders = viewers.slice(0, Math.min(50, viewers.length));
  let c = 0;
  let l = 0;
  let chats = 0;
  const chatTimer = setInterval(() => {
    senders[c++ % senders.length].send({ type: 'chat', text: `b:${performance.now()}` });
    chats++;
  }, 1000 / cfg.chatPerSec);
  const likeTimer = setInterval(() => {
    for (let k = 0; k < cfg.likesPerSec / 50; k++) senders[l++ % senders.length].send({ type: 'like', count: 1 });
  }, 20);
  await new Promise((r) => setTimeout(r, cfg.seconds * 1000));
  clearInterval(chatTimer);
  clearInterval(likeTimer);
  await new Promise((r) => setTimeout(r, 1500));
  const early = viewers.filter((v) => v.closedEarly).length;
  stop();
  lat.sort((a, b) => a - b);
  const expected = chats * Math.min(cfg.probes, viewers.length);
  const delivered = lat.length / Math.max(1, expected);
  const p95 = pct(lat, 95);
  const ok = p95 < 500 && delivered >= 0.99 && early === 0;
  return {
    ok,
    connectMs,
    p50: pct(lat, 50),
    p95,
    p99: pct(lat, 99),
    delivered,
    closedEarly: early,
    reason: ok
      ? ''
      : p95 >= 500
        ? 'p95 ≥ 500 ms'
        : early
          ? `${early} sockets closed by the server`
          : `${(delivered * 100).toFixed(1)} % delivered`,
  };
}

process.on('message', async (cfg) => {
  if (cfg === 'release') return;
  const r = await run(cfg);
  if (cfg.idle && r.ok) {
    process.send({ ok: true, connectMs: r.connectMs });
    process.once('message', () => {
      r.stop();
      setTimeout(() => process.exit(0), 300);
    });
    return;
  }
  process.send(r);
  setTimeout(() => process.exit(0), 300);
});
