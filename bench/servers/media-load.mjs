// Load generator for `npm run bench -- media` (never the server process): N raw HTTP-FLV viewers on plain `net`
// sockets (GET /live/STREAM.flv, bytes counted after the response head, chunked encoding undone for servers that
// use it), plus a controlled RTMP publisher that replays a recorded FLV in real time and stamps each tag's send time,
// so publisher and viewers share one clock. Driven over IPC by bench/media.mjs; each request gets one reply.
//   { op: 'connect', port, path, n }            open n more viewers → { connected, failed, ms }
//   { op: 'window', seconds, serverPid }         bytes per viewer + server/own CPU over a window
//   { op: 'closeAll' }                           close every viewer
//   { op: 'ttff', port, path, tries }            time to first byte / first keyframe tag of a new viewer
//   { op: 'latency', rtmpPort, httpPort, stream, n, file, warmSec, seconds, serverPid }   tag send → viewer arrival
// BENCH_DEBUG=1: the latency op also prints every tag that took > 30 ms (type:timestamp, viewers hit, worst ms).
import { connect } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import {
  ChunkReader,
  commandMessage,
  controlMessages,
  decodeAmf0,
  encodeAmf0,
  encodeMessage,
  MSG,
} from '../../packages/media/dist/index.js';

const CLK_TCK = 100; // Linux USER_HZ (getconf CLK_TCK) for /proc/PID/stat
const SHARED = Buffer.allocUnsafe(256 << 10); // every socket reads into this one buffer (onread): no per-read allocation
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One HTTP-FLV viewer. Counts FLV bytes; with onTag set it also parses FLV tag boundaries. */
class Viewer {
  bytes = 0;
  status = 0;
  closed = false;
  firstByteAt = 0;
  head = '';
  inBody = false;
  chunked = false;
  // chunked decoding: 0 size line, 1 data, 2 CRLF after data, 3 done
  cs = 0;
  cSize = 0;
  cSizeDone = false;
  cRemain = 0;
  // FLV parsing: 0 file header, 1 tag header, 2 tag body
  fs = 0;
  fNeed = 13;
  th = Buffer.alloc(11);
  thLen = 0;
  tagType = 0;
  tagTs = 0;
  tagSize = 0;
  bodyPos = 0;
  b0 = -1;
  b1 = -1;

  constructor(port, path, opts = {}) {
    this.onTag = opts.onTag ?? null;
    this.startedAt = performance.now();
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.socket = connect({
      host: '127.0.0.1',
      port,
      onread: { buffer: SHARED, callback: (n, buf) => this.onRead(buf, n) },
    });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () =>
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: zhibo-bench\r\nAccept: */*\r\n\r\n`),
    );
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
      this.resolveReady(false);
    });
  }

  onRead(buf, n) {
    const t = performance.now();
    if (!this.firstByteAt) this.firstByteAt = t;
    let s = 0;
    if (!this.inBody) {
      const prev = this.head.length;
      this.head += buf.latin1Slice(0, Math.min(n, 8192));
      const i = this.head.indexOf('\r\n\r\n');
      if (i < 0) {
        if (this.head.length > 8192) this.socket.destroy();
        return;
      }
      this.status = Number(this.head.slice(9, 12));
      this.chunked = /\r\ntransfer-encoding:\s*chunked/i.test(this.head.slice(0, i));
      this.inBody = true;
      s = i + 4 - prev;
      this.head = '';
      if (this.status !== 200) {
        this.socket.destroy();
        return;
      }
      this.resolveReady(true);
    }
    if (s < n) {
      if (this.chunked) this.dechunk(buf, s, n, t);
      else this.payload(buf, s, n, t);
    }
  }

  dechunk(buf, s, e, t) {
    while (s < e) {
      if (this.cs === 1) {
        const take = Math.min(this.cRemain, e - s);
        this.payload(buf, s, s + take, t);
        s += take;
        this.cRemain -= take;
        if (this.cRemain === 0) this.cs = 2;
      } else if (this.cs === 0) {
        const c = buf[s++];
        if (c === 10) {
          if (this.cSize === 0) this.cs = 3;
          else {
            this.cRemain = this.cSize;
            this.cs = 1;
          }
          this.cSize = 0;
          this.cSizeDone = false;
        } else if (!this.cSizeDone) {
          const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
          if (v < 0) this.cSizeDone = true;
          else this.cSize = this.cSize * 16 + v;
        }
      } else if (this.cs === 2) {
        if (buf[s++] === 10) this.cs = 0;
      } else return;
    }
  }

  payload(buf, s, e, t) {
    this.bytes += e - s;
    if (this.onTag) this.flv(buf, s, e, t);
  }

  flv(buf, s, e, t) {
    while (s < e) {
      if (this.fs === 0) {
        const take = Math.min(this.fNeed, e - s);
        s += take;
        this.fNeed -= take;
        if (this.fNeed === 0) {
          this.fs = 1;
          this.thLen = 0;
        }
      } else if (this.fs === 1) {
        while (this.thLen < 11 && s < e) this.th[this.thLen++] = buf[s++];
        if (this.thLen === 11) {
          const h = this.th;
          this.tagType = h[0] & 0x1f;
          this.tagSize = (h[1] << 16) | (h[2] << 8) | h[3];
          this.tagTs = ((h[4] << 16) | (h[5] << 8) | h[6]) + h[7] * 0x1000000;
          this.fNeed = this.tagSize + 4;
          this.bodyPos = 0;
          this.b0 = this.b1 = -1;
          this.fs = 2;
        }
      } else {
        while (this.bodyPos < 2 && this.bodyPos < this.tagSize && s < e) {
          if (this.bodyPos === 0) this.b0 = buf[s];
          else this.b1 = buf[s];
          s++;
          this.bodyPos++;
          this.fNeed--;
        }
        const take = Math.min(this.fNeed, e - s);
        s += take;
        this.fNeed -= take;
        this.bodyPos += take;
        if (this.fNeed === 0) {
          this.fs = 1;
          this.thLen = 0;
          this.onTag(this, this.tagType, this.tagTs, this.b0, this.b1, t);
        }
      }
    }
  }

  close() {
    this.socket.destroy();
  }
}

const viewers = [];

/** Open n viewers, at most `parallel` connecting at once (the servers' listen backlogs are ~511). */
async function openViewers(port, path, n, opts = {}, parallel = 100) {
  const t0 = performance.now();
  let connected = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const v = new Viewer(port, path, opts);
      viewers.push(v);
      const ok = await Promise.race([v.ready, sleep(15_000).then(() => false)]);
      if (ok) connected++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
  return { connected, failed, ms: performance.now() - t0 };
}

async function closeAll() {
  const all = viewers.splice(0);
  for (const v of all) v.close();
  while (all.some((v) => !v.closed)) await sleep(20);
}

/** utime + stime of a process in ms (all its threads), from /proc/PID/stat. */
function procCpuMs(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

/** Time a process's threads spent waiting for a CPU (run queue), in ms, from /proc/PID/task/TID/schedstat. */
function procRunqueueWaitMs(pid) {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`))
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[1]);
  } catch {
    return NaN;
  }
  return ns / 1e6;
}

const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);

async function windowStats(seconds, serverPid) {
  const before = viewers.map((v) => v.bytes);
  const sv0 = procCpuMs(serverPid);
  const wait0 = procRunqueueWaitMs(serverPid);
  const me0 = process.cpuUsage();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const dt = (performance.now() - t0) / 1000;
  const sv1 = procCpuMs(serverPid);
  const serverWaitMs = procRunqueueWaitMs(serverPid) - wait0;
  const me = process.cpuUsage(me0);
  lag.disable();
  const rates = viewers.map((v, i) => ((v.bytes - before[i]) * 8) / dt).sort((a, b) => a - b);
  const sum = rates.reduce((a, b) => a + b, 0);
  return {
    viewers: viewers.length,
    alive: viewers.filter((v) => !v.closed).length,
    avgBps: viewers.length ? sum / viewers.length : 0,
    minBps: rates[0] ?? 0,
    p5Bps: quantile(rates, 0.05),
    seconds: dt,
    serverCpuMs: sv1 - sv0,
    serverWaitMs,
    loadCpuMs: (me.user + me.system) / 1000,
    loadLagP99Ms: lag.percentile(99) / 1e6,
  };
}

/** New viewers one after another on a live stream: connect → first response byte, → first complete video keyframe tag. */
async function ttff(port, path, tries) {
  const firstByte = [];
  const keyframe = [];
  for (let i = 0; i < tries; i++) {
    const r = await new Promise((resolve) => {
      let done = false;
      const v = new Viewer(port, path, {
        onTag: (vw, type, _ts, b0, b1, t) => {
          if (done || type !== 9 || b0 >> 4 !== 1 || b1 !== 1) return; // AVC keyframe NALU (not the sequence header)
          done = true;
          vw.close();
          resolve({ fb: vw.firstByteAt - vw.startedAt, kf: t - vw.startedAt });
        },
      });
      setTimeout(() => {
        if (done) return;
        done = true;
        v.close();
        resolve(null);
      }, 5000);
    });
    if (r) {
      firstByte.push(r.fb);
      keyframe.push(r.kf);
    }
    await sleep(150 + Math.random() * 250); // land at different points of the GOP
  }
  firstByte.sort((a, b) => a - b);
  keyframe.sort((a, b) => a - b);
  return {
    tries,
    ok: keyframe.length,
    firstByteP50: quantile(firstByte, 0.5),
    keyframeP50: quantile(keyframe, 0.5),
    keyframeMax: keyframe.at(-1) ?? NaN,
  };
}

// ---- a controlled RTMP publisher (handshake, connect, createStream, publish; then FLV tags paced in real time) ----

function readFlvTags(file) {
  const b = readFileSync(file);
  const tags = [];
  let p = b.readUInt32BE(5) + 4;
  while (p + 11 <= b.length) {
    const type = b[p] & 0x1f;
    const size = b.readUIntBE(p + 1, 3);
    const ts = b.readUIntBE(p + 4, 3) + b[p + 7] * 0x1000000;
    if (p + 11 + size > b.length) break;
    tags.push({ type, ts, data: b.subarray(p + 11, p + 11 + size) });
    p += 11 + size + 4;
  }
  return tags;
}

class Publisher {
  commands = [];
  closed = false;
  chunkSize = 128;
  constructor(port) {
    this.reader = new ChunkReader((m) => {
      if (m.typeId === MSG.CommandAmf0) this.commands.push(decodeAmf0(m.payload));
    });
    this.got = Buffer.alloc(0);
    this.handshaken = false;
    this.socket = connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('error', () => {});
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('data', (d) => {
      if (this.handshaken) return this.reader.push(d);
      this.got = Buffer.concat([this.got, d]);
      if (this.got.length >= 3073) {
        this.handshaken = true;
        this.socket.write(this.got.subarray(1, 1537)); // C2 = S1
        if (this.got.length > 3073) this.reader.push(this.got.subarray(3073));
      }
    });
  }

  async until(fn, what, ms = 10_000) {
    const end = performance.now() + ms;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (this.closed) throw new Error(`publisher: connection closed waiting for ${what}`);
      if (performance.now() > end) throw new Error(`publisher: timed out waiting for ${what}`);
      await sleep(10);
    }
  }

  send(m) {
    this.socket.write(encodeMessage(m, this.chunkSize));
  }

  async publish(app, name) {
    await new Promise((r, j) => this.socket.once('connect', r).once('error', j));
    const c1 = Buffer.alloc(1536);
    for (let i = 8; i < 1536; i++) c1[i] = (i * 31) & 0xff;
    this.socket.write(Buffer.concat([Buffer.from([3]), c1]));
    await this.until(() => this.handshaken, 'handshake');
    this.send(controlMessages.setChunkSize(4096));
    this.chunkSize = 4096;
    this.send(
      commandMessage(0, 'connect', 1, {
        app,
        tcUrl: `rtmp://127.0.0.1/${app}`,
        flashVer: 'FMLE/3.0 (compatible; zhibo-bench)',
        type: 'nonprivate',
      }),
    );
    await this.until(() => this.commands.find((c) => c[0] === '_result' && c[1] === 1), 'connect result');
    this.send(commandMessage(0, 'createStream', 2, null));
    await this.until(() => this.commands.find((c) => c[0] === '_result' && c[1] === 2), 'createStream result');
    this.send(commandMessage(1, 'publish', 0, null, name, 'live'));
    const st = await this.until(() => this.commands.find((c) => c[0] === 'onStatus'), 'onStatus');
    if (st[3]?.code !== 'NetStream.Publish.Start') throw new Error(`publisher: ${st[3]?.code ?? 'no code'}`);
  }

  sendTag(type, ts, data) {
    if (type === 18) {
      this.send({ csid: 5, typeId: MSG.DataAmf0, timestamp: 0, streamId: 1, payload: Buffer.concat([encodeAmf0('@setDataFrame'), data]) });
    } else {
      this.send({ csid: type === 8 ? 4 : 6, typeId: type, timestamp: ts, streamId: 1, payload: data });
    }
  }

  close() {
    this.socket.destroy();
  }
}

const isEndOfSequence = (t) => t.type === 9 && t.data[1] === 2; // ffmpeg's AVC end-of-sequence tag: not replayed
const isHeaderTag = (t) => t.type === 18 || (t.type === 9 && t.data[1] === 0) || (t.type === 8 && t.data[0] >> 4 === 10 && t.data[1] === 0);

/**
 * Replays `file` in real time (looping, timestamps continuing) and calls onSent(type, ts, wallMs) per tag. The
 * sequence headers and metadata go once at the start.
 */
function pace(pub, tags, onSent) {
  const head = tags.filter(isHeaderTag);
  const media = tags.filter((t) => !isHeaderTag(t) && !isEndOfSequence(t));
  const lastTs = media.at(-1)?.ts ?? 0;
  const loopLen = lastTs + 40;
  for (const t of head) pub.sendTag(t.type, 0, t.data);
  const t0 = performance.now();
  let i = 0;
  let loop = 0;
  let timer = null;
  let stopped = false;
  const tick = () => {
    if (stopped || pub.closed) return;
    const now = performance.now();
    for (;;) {
      const t = media[i];
      const ts = loop * loopLen + t.ts;
      if (t0 + ts > now) {
        timer = setTimeout(tick, Math.max(0, t0 + ts - performance.now()));
        return;
      }
      pub.sendTag(t.type, ts, t.data);
      onSent(t.type, ts, performance.now());
      if (++i === media.length) {
        i = 0;
        loop++;
      }
    }
  };
  tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

async function latency({ rtmpPort, httpPort, stream, n, file, warmSec, seconds, serverPid }) {
  const tags = readFlvTags(file);
  const pub = new Publisher(rtmpPort);
  await pub.publish('live', stream);
  const sent = new Map(); // key (ts * 2 + isVideo) → send time
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureTo = Number.POSITIVE_INFINITY;
  const stop = pace(pub, tags, (type, ts, t) => {
    if (t >= measureFrom && t < measureTo) sent.set(ts * 2 + (type === 9 ? 1 : 0), t);
  });
  const hist = new Uint32Array(50_001); // 0.1 ms buckets up to 5 s
  let samples = 0;
  const slow = new Map();
  const onTag = (_v, type, ts, _b0, _b1, t) => {
    if (type !== 8 && type !== 9) return;
    const s = sent.get(ts * 2 + (type === 9 ? 1 : 0));
    if (s === undefined) return;
    hist[Math.min(50_000, Math.max(0, Math.round((t - s) * 10)))]++;
    samples++;
    if (process.env.BENCH_DEBUG && t - s > 30) {
      const k = `${type}:${ts}`;
      const e = slow.get(k) ?? { n: 0, max: 0, size: _v.tagSize, at: Math.round(s - measureFrom) };
      e.n++;
      e.max = Math.max(e.max, Math.round(t - s));
      slow.set(k, e);
    }
  };
  await sleep(1000);
  const conn = await openViewers(httpPort, `/live/${stream}.flv`, n, { onTag });
  await sleep(warmSec * 1000);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpu0 = procCpuMs(serverPid);
  const wait0 = procRunqueueWaitMs(serverPid);
  const myWait0 = procRunqueueWaitMs(process.pid);
  measureFrom = performance.now();
  await sleep(seconds * 1000);
  measureTo = performance.now();
  const serverCpuPct = ((procCpuMs(serverPid) - cpu0) / (measureTo - measureFrom)) * 100;
  const serverWaitMs = procRunqueueWaitMs(serverPid) - wait0;
  const loadWaitMs = procRunqueueWaitMs(process.pid) - myWait0;
  await sleep(500); // tags sent just before measureTo still arrive
  lag.disable();
  stop();
  const alive = viewers.filter((v) => !v.closed).length;
  await closeAll();
  pub.close();
  const q = (p) => {
    let acc = 0;
    const want = p * samples;
    for (let i = 0; i < hist.length; i++) {
      acc += hist[i];
      if (acc >= want) return i / 10;
    }
    return NaN;
  };
  const sentCount = sent.size;
  if (process.env.BENCH_DEBUG) for (const [k, e] of slow) console.error(`slow ${k} ${JSON.stringify(e)}`);
  return {
    connected: conn.connected,
    failed: conn.failed,
    alive,
    samples,
    expected: sentCount * n,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: q(1),
    loadLagP99Ms: lag.percentile(99) / 1e6,
    serverCpuPct,
    serverWaitMs,
    loadWaitMs,
    seconds,
  };
}

process.on('message', async (m) => {
  try {
    let r;
    if (m.op === 'connect') r = await openViewers(m.port, m.path, m.n);
    else if (m.op === 'window') r = await windowStats(m.seconds, m.serverPid);
    else if (m.op === 'closeAll') r = await closeAll();
    else if (m.op === 'ttff') r = await ttff(m.port, m.path, m.tries);
    else if (m.op === 'latency') r = await latency(m);
    else throw new Error(`unknown op ${m.op}`);
    process.send?.({ ok: true, r: r ?? null });
  } catch (e) {
    process.send?.({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true, pid: process.pid });
