// npm run bench -- api: getliveinfo and the plugin status read under load, beside a bare Fastify hello-world.
// Targets (issue 2): status read ≥ 0.8× bare Fastify; getliveinfo (100 rooms × 20 goods, limit 10) ≥ 0.5×.
import { load, startChild, table } from './lib.mjs';

const bare = await startChild(new URL('./servers/fastify-hello.mjs', import.meta.url));
const zhibo = await startChild(new URL('./servers/zhibo-api.mjs', import.meta.url));
const { url, token, roomId } = zhibo.info;
try {
  // the bare peer serves zhibo's exact getliveinfo answer from memory, for an apples-to-apples row
  const sample = await (
    await fetch(`${url}/wxa/business/getliveinfo?access_token=${token}`, { method: 'POST', body: JSON.stringify({ start: 0, limit: 10 }) })
  ).text();
  bare.child.send({ body: sample });
  // warm-up
  await load({ url: `http://127.0.0.1:${bare.info.port}/`, duration: 2 });
  await load({ url: `${url}/api/plugin/v1/status?room_id=${roomId}`, duration: 2 });
  const base = await load({ url: `http://127.0.0.1:${bare.info.port}/` });
  const status = await load({ url: `${url}/api/plugin/v1/status?room_id=${roomId}` });
  const gli = await load({
    url: `${url}/wxa/business/getliveinfo?access_token=${token}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ start: 0, limit: 10 }),
  });
  const bareBody = await load({
    url: `http://127.0.0.1:${bare.info.port}/body`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const row = (name, r, target, vs = base) => ({
    endpoint: name,
    'req/s': Math.round(r.rps),
    'p50 ms': r.p50,
    'p99 ms': r.p99,
    'ratio vs bare': (r.rps / vs.rps).toFixed(2),
    target,
  });
  console.log(
    `\nnpm run bench -- api  (autocannon, 50 connections, 8 s each, loopback; server and load generator share ${(await import('node:os')).cpus().length} cores)\n`,
  );
  console.log(
    table([
      row('bare Fastify hello-world', base, '-'),
      row('plugin status read', status, '≥ 0.80'),
      row('getliveinfo (100 rooms × 20 goods, limit 10)', gli, '≥ 0.50'),
      row(`bare Fastify sending the same ${(Buffer.byteLength(sample) / 1024).toFixed(0)} KB body`, bareBody, '-'),
      row('getliveinfo vs that bare body', gli, '-', bareBody),
    ]),
  );
} finally {
  bare.child.kill();
  zhibo.child.send('stop');
}
