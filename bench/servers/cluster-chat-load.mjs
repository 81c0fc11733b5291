// Chat load for `npm run bench -- cluster` (a child process). Told {ports, room, n, seconds, perSec, probes} over IPC:
// opens n viewers spread round-robin over the nodes' ports (hello with chatBatch), then viewers on the FIRST node send
// perSec comments a second (text = send time); `probes` viewers per node record when each comment arrives.
// Answers {ready, connected}, waits for 'go', then {local: latencies on node 0, cross: on the other nodes, sent, connected, failed}.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const noop = () => {};

function connect(cfg, port, i, probe, onText) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/room`, { perMessageDeflate: false, localAddress: `127.0.0.${2 + (i % 8)}` });
    const v = { ws, ok: false };
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(v);
    }, 60_000);
    ws.once('error', () => {
      clearTimeout(timer);
      resolve(v);
    });
    ws.once('open', () =>
      ws.send(
        JSON.stringify({ type: 'hello', v: 1, roomId: cfg.room, deviceId: `bench-${cfg.run}-${i}`, sdkVersion: '9.0.0', chatBatch: true }),
      ),
    );
    ws.once('message', () => {
      clearTimeout(timer);
      v.ok = true;
      ws.on(
        'message',
        probe
          ? (d) => {
              const s = String(d);
              if (!s.startsWith('{"type":"chat_batch"')) return;
              const at = performance.timeOrigin + performance.now();
              for (const c of JSON.parse(s).comments) onText(c.text, at);
            }
          : noop,
      );
      resolve(v);
    });
  });
}

process.once('message', async (cfg) => {
  const { ports, n, seconds, perSec, probes } = cfg;
  const lat = { local: [], cross: [] };
  const viewers = [];
  const batch = 200;
  let perNode = ports.map(() => 0);
  for (let i = 0; i < n; i += batch) {
    const group = [];
    for (let j = i; j < Math.min(n, i + batch); j++) {
      const node = j % ports.length;
      const probe = perNode[node]++ < probes;
      group.push(
        connect(cfg, ports[node], j, probe, (text, at) => {
          const sent = Number(text.split(':')[1]);
          (node === 0 ? lat.local : lat.cross).push(at - sent);
        }),
      );
    }
    viewers.push(...(await Promise.all(group)));
    if (i === 0 && !viewers.some((v) => v.ok))
      console.error('  chat load: the first viewers got no welcome (is the room known on every node?)');
  }
  const connected = viewers.filter((v) => v.ok).length;
  const senders = viewers.filter((v, i) => v.ok && i % ports.length === 0);
  process.send({ ready: true, connected });
  await new Promise((r) => process.once('message', r)); // 'go' (the driver measured the idle CPU meanwhile)
  const started = performance.timeOrigin + performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const t = setInterval(() => {
      const s = senders[sent % senders.length];
      s.ws.send(JSON.stringify({ type: 'chat', text: `c${sent}:${performance.timeOrigin + performance.now()}` }));
      sent++;
      if (performance.timeOrigin + performance.now() - started > seconds * 1000) {
        clearInterval(t);
        resolve();
      }
    }, 1000 / perSec);
  });
  await new Promise((r) => setTimeout(r, 1500));
  for (const v of viewers) v.ws.terminate();
  // exit only once the (large) answer is through the IPC channel
  process.send({ local: lat.local, cross: lat.cross, sent, connected, failed: n - connected }, () => process.exit(0));
});
