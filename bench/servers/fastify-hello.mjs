// The peer for `npm run bench -- api`: a bare Fastify hello-world.
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
// The same bytes as zhibo's getliveinfo answer, served from memory: what the wire alone costs.
let body = Buffer.from('{}');
app.post('/body', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body));
process.on('message', (m) => {
  if (m && m.body) body = Buffer.from(m.body);
});
await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ port: app.server.address().port });
