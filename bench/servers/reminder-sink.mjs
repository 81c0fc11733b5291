// A merchant's webhook endpoint for `npm run bench -- reminders`: answers 200, counts deliveries and distinct keys.
import { createServer } from 'node:http';

const keys = new Set();
let total = 0;
let first = 0;
let last = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const now = Date.now();
    if (!first) first = now;
    last = now;
    total++;
    keys.add(req.headers['x-zhibo-idempotency-key']);
    res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'stats') process.send({ total, distinct: keys.size, first, last });
  if (m === 'stop') server.close(() => process.exit(0));
});
