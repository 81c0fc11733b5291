// Server child of `npm run bench -- whip`: one MediaServer (dist) with RTMP and WHIP (UDP on 127.0.0.1), the WHIP
// endpoint on a node:http server. Replies { rtmpPort, httpPort, pid }; 'stop' closes it (close cascade) and exits.
import { createServer } from 'node:http';
import { MediaServer, createWhipNodeHandler } from '../../packages/media/dist/index.js';

const media = new MediaServer({
  rtmpHost: '127.0.0.1',
  rtmpPort: 0,
  authorizePublish: async (r) =>
    r.query.key === 'secret' ? { ok: true, streamId: r.streamName } : { ok: false, reason: 'bad key', kind: 'unauthorized' },
  whip: { bindAddress: '127.0.0.1' },
});
const { port: rtmpPort } = await media.listen();
const whip = createWhipNodeHandler(media.whip);
const http = createServer((req, res) => whip(req, res));
await new Promise((r) => http.listen(0, '127.0.0.1', r));
process.send({ rtmpPort, httpPort: http.address().port, pid: process.pid });
process.on('message', async (m) => {
  if (m === 'stop') {
    http.close();
    await media.close();
    process.exit(0);
  }
});
