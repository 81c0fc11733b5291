// A socket.io broadcast server for `npm run bench -- realtime`: the same relay as realtime-ws.mjs, room broadcast per message.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const server = createServer();
const io = new Server(server, { transports: ['websocket'], serveClient: false });
let total = 0;
let ids = 0;
io.on('connection', (socket) => {
  socket.on('hello', (m, ack) => {
    socket.join('room');
    ack?.({ type: 'welcome', seq: 0, room: { roomId: m?.roomId, likes: total } });
  });
  socket.on('chat', (m) =>
    io
      .to('room')
      .emit('chat', { type: 'chat', id: String(++ids), openid: 'o', nick: 'n', text: String(m?.text).slice(0, 200), at: Date.now() }),
  );
  socket.on('like', (m) => {
    total += m?.count ?? 1;
    io.to('room').emit('likes', { type: 'likes', total, delta: m?.count ?? 1 });
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port, roomId: 1 }));
process.on('message', (m) => {
  if (m === 'mem') {
    globalThis.gc?.();
    process.send?.({ mem: process.memoryUsage(), conns: io.engine.clientsCount });
  } else if (m === 'stop') process.exit(0);
});
