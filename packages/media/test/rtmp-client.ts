/** A scripted RTMP publisher for tests: handshake, connect, createStream, publish, raw media. */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { ChunkReader, commandMessage, controlMessages, decodeAmf0, encodeMessage, MSG, type Amf0Value } from '../src/index.js';
import { waitFor } from './helpers.js';

export class TestRtmpClient {
  readonly socket: Socket;
  readonly commands: Amf0Value[][] = [];
  /** Every message received: [typeId, payload]. */
  readonly received: [number, Buffer][] = [];
  closed = false;
  private got = Buffer.alloc(0);
  private handshaken = false;
  private readonly reader = new ChunkReader((m) => {
    this.received.push([m.typeId, Buffer.from(m.payload)]);
    if (m.typeId === MSG.CommandAmf0) this.commands.push(decodeAmf0(m.payload));
  });
  chunkSize = 128;

  /** localAddress: a loopback source address (127.0.0.x) to connect from. */
  constructor(port: number, opts: { localAddress?: string } = {}) {
    this.socket = connect({ port, host: '127.0.0.1', ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    this.socket.on('error', () => {});
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('data', (d: Buffer) => {
      if (this.handshaken) return this.reader.push(d);
      this.got = Buffer.concat([this.got, d]);
      if (this.got.length >= 3073) {
        this.handshaken = true;
        this.socket.write(this.got.subarray(1, 1537)); // C2 = S1 echo
        if (this.got.length > 3073) this.reader.push(this.got.subarray(3073));
      }
    });
  }

  /** Chunk size the server set for its messages. */
  get inChunkSize(): number {
    return this.reader.chunkSize;
  }

  async handshake(): Promise<void> {
    if (this.socket.connecting) await new Promise<void>((r, j) => this.socket.once('connect', r).once('error', j));
    const c1 = randomBytes(1536);
    c1.fill(0, 0, 8);
    this.socket.write(Buffer.concat([Buffer.from([3]), c1]));
    await waitFor(() => this.handshaken || this.closed, { what: 'handshake' });
  }

  send(m: Parameters<typeof encodeMessage>[0]): void {
    this.socket.write(encodeMessage(m, this.chunkSize));
  }

  async command(name: string, ...args: Amf0Value[]): Promise<void> {
    this.send(commandMessage(0, name, this.commands.length + 1, ...args));
  }

  /** Handshake and the connect command; resolves when its _result arrived (or the connection closed). */
  async connect(app = 'live'): Promise<void> {
    await this.handshake();
    await this.command('connect', { app, tcUrl: `rtmp://127.0.0.1/${app}`, flashVer: 'FMLE/3.0', type: 'nonprivate' });
    await waitFor(() => this.commands.some((c) => c[0] === '_result') || this.closed, { what: 'connect result' });
  }

  /** connect + createStream + publish; resolves with the onStatus code. */
  async publish(app: string, name: string): Promise<string> {
    await this.handshake();
    this.send(controlMessages.setChunkSize(4096));
    this.chunkSize = 4096;
    await this.command('connect', { app, tcUrl: `rtmp://127.0.0.1/${app}`, flashVer: 'FMLE/3.0', type: 'nonprivate' });
    await this.command('createStream', null);
    await waitFor(() => this.commands.some((c) => c[0] === '_result' && typeof c[3] === 'number') || this.closed, {
      what: 'createStream result',
    });
    this.send(commandMessage(1, 'publish', 0, null, name, 'live'));
    const status = await waitFor(() => this.commands.find((c) => c[0] === 'onStatus') ?? (this.closed ? [] : null), { what: 'onStatus' });
    const info = status[3] as { code?: string } | undefined;
    return info?.code ?? 'closed';
  }

  /** An AVC keyframe-looking video message on stream 1. */
  video(timestamp: number, size = 1000, key = true): Buffer {
    const payload = Buffer.alloc(size, 0xab);
    payload[0] = key ? 0x17 : 0x27;
    payload[1] = 1;
    return encodeMessage({ csid: 6, typeId: MSG.Video, timestamp, streamId: 1, payload }, this.chunkSize);
  }

  close(): void {
    this.socket.destroy();
  }
}
