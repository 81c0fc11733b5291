// The anonymous read flood for `npm run bench -- flood`: autocannon in its own process (so it never delays the FLV
// viewer's clock). Told {url, room, connections, seconds} over IPC; answers the result. Reads: the room page's room
// read (most), and QR images with changing params (cache misses: rendering work).
import autocannon from 'autocannon';

process.on('message', async (cfg) => {
  let n = 0;
  const r = await autocannon({
    url: cfg.url,
    connections: cfg.connections,
    duration: cfg.seconds,
    requests: [
      {
        setupRequest: (req) => {
          n++;
          req.path = n % 10 === 0 ? `/qr/${cfg.room}.png?params=${n}` : `/api/plugin/v1/room?room_id=${cfg.room}`;
          return req;
        },
      },
    ],
  });
  const codes = {};
  for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) codes[k] = v.count;
  process.send({ rps: Math.round(r.requests.average), p99: r.latency.p99, codes, errors: r.errors });
});
