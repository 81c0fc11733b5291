// A plain `ws` broadcast server for `npm run bench -- realtime`: JSON.stringify per incoming message, sent to all.
// With --merge, likes are summed and sent once per 200 ms tick (like zhibo) instead of one message per like.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const server = createServer((_req, res) => res.end('ws'));
const wss = new WebSocketServer({ server });
const members = new Set();
let total = 0;
let ids = 0;
let delta = 0;
const merge = process.argv.includes('--merge');
if (merge)
  setInterval(() => {
    if (!delta) return;
    total += delta;
    all(JSON.stringify({ type: 'likes', total, delta }));
    delta = 0;
  }, 200);
const all = (text) => {
  for (const c of members) c.send(text);
};
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    let m;
    try {
      m = JSON.parse(String(data));
    } catch {
      return ws.close(1003);
    }
    if (m.type === 'hello') {
      members.add(ws);
      ws.send(JSON.stringify({ type: 'welcome', seq: 0, room: { roomId: m.roomId, likes: total } }));
    } else if (m.type === 'chat')
      all(JSON.stringify({ type: 'chat', id: String(++ids), openid: 'o', nick: 'n', text: String(m.text).slice(0, 200), at: Date.now() }));
    else if (m.type === 'like' && merge) delta += m.count;
    else if (m.type === 'like') {
      total += m.count;
      all(JSON.stringify({ type: 'likes', total, delta: m.count }));
    }
  });
  ws.on('close', () => members.delete(ws));
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port, roomId: 1 }));
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
};
process.on('message', async (m) => {
  if (m === 'mem') {
    await settle();
    process.send?.({ mem: process.memoryUsage(), conns: members.size });
  } else if (m === 'stop') process.exit(0);
});
