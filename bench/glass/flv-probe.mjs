// A raw HTTP-FLV viewer for `npm run bench -- latency` (a child process, so the browser driver's event loop does not
// delay it): one connection per URL for the whole run, FLV tags parsed as bytes arrive, and for every video tag its
// timestamp and the wall-clock when its last byte arrived. The bench maps timestamps to the publisher's capture times:
// the latency to the viewer's socket, without any player. Args: URLs. IPC: { ready } at start; 'report' →
// { report: { [url]: { tags: [[ts, wall], …], error? } } }; 'stop' exits.
import { get } from 'node:http';

const urls = process.argv.slice(2);
const out = Object.fromEntries(urls.map((u) => [u, { tags: [], error: undefined }]));
const reqs = [];
for (const url of urls) {
  const rec = out[url];
  let buf = Buffer.alloc(0);
  let headerDone = false;
  const req = get(url, (res) => {
    if (res.statusCode !== 200) {
      rec.error = `HTTP ${res.statusCode}`;
      res.resume();
      return;
    }
    res.on('data', (chunk) => {
      const wall = Date.now();
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let off = 0;
      if (!headerDone) {
        if (buf.length < 13) return;
        off = buf.readUInt32BE(5) + 4; // FLV header + PreviousTagSize0
        headerDone = true;
      }
      while (buf.length - off >= 11) {
        const size = buf.readUIntBE(off + 1, 3);
        if (buf.length - off < 11 + size + 4) break;
        if ((buf[off] & 0x1f) === 9) {
          const ts = buf.readUIntBE(off + 4, 3) + buf[off + 7] * 2 ** 24;
          // AVC NALU packets only (not the sequence header): byte 1 of the video data is the AVCPacketType
          if (buf[off + 12] === 1) rec.tags.push([ts, wall]);
        }
        off += 11 + size + 4;
      }
      buf = buf.subarray(off);
    });
    res.on('error', (e) => (rec.error = e.message));
  });
  req.on('error', (e) => (rec.error = e.message));
  reqs.push(req);
}
process.send?.({ ready: true });
process.on('message', (m) => {
  if (m === 'report') process.send?.({ report: out });
  if (m === 'stop') {
    for (const r of reqs) r.destroy();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
