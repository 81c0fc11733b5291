/**
 * Server side of the RTMP handshake (simple form): read C0+C1, answer S0+S1+S2, read C2.
 *
 * S1 carries zero in its version field, which tells clients to use the simple handshake:
 * ffmpeg's native client only validates a server digest when *playing* and the server version
 * byte is ≥ 3; librtmp (OBS) drops its FP9 checks when that byte is 0. S2 echoes C1.
 */
import { randomBytes } from 'node:crypto';
import { RtmpProtocolError } from '../errors.js';

export const HANDSHAKE_SIZE = 1536;
const RTMP_VERSION = 3;

export class ServerHandshake {
  private state: 'c0' | 'c1' | 'c2' | 'done' = 'c0';
  private readonly c1 = Buffer.allocUnsafe(HANDSHAKE_SIZE);
  private have = 0;
  private readonly started = Date.now();

  get done(): boolean {
    return this.state === 'done';
  }

  /**
   * Consume handshake bytes from data[offset..]; returns the new offset. Calls send() once with
   * S0+S1+S2 when C1 is complete. Bytes after C2 are left for the chunk reader.
   */
  feed(data: Buffer, offset: number, send: (b: Buffer) => void): number {
    let pos = offset;
    while (pos < data.length && this.state !== 'done') {
      if (this.state === 'c0') {
        const v = data[pos++]!;
        if (v !== RTMP_VERSION) throw new RtmpProtocolError(`handshake: unsupported RTMP version ${v} (only 3; RTMPE is not supported)`);
        this.state = 'c1';
      } else if (this.state === 'c1') {
        const n = Math.min(HANDSHAKE_SIZE - this.have, data.length - pos);
        data.copy(this.c1, this.have, pos, pos + n);
        this.have += n;
        pos += n;
        if (this.have === HANDSHAKE_SIZE) {
          send(this.reply());
          this.have = 0;
          this.state = 'c2';
        }
      } else {
        const n = Math.min(HANDSHAKE_SIZE - this.have, data.length - pos);
        this.have += n;
        pos += n;
        if (this.have === HANDSHAKE_SIZE) this.state = 'done';
      }
    }
    return pos;
  }

  private reply(): Buffer {
    const out = Buffer.allocUnsafe(1 + 2 * HANDSHAKE_SIZE);
    out[0] = RTMP_VERSION;
    const uptime = (Date.now() - this.started) >>> 0;
    // S1: time, zero (version 0 = simple handshake), random.
    out.writeUInt32BE(uptime, 1);
    out.writeUInt32BE(0, 5);
    randomBytes(HANDSHAKE_SIZE - 8).copy(out, 9);
    // S2: echo of C1 (time, time2 = our read time, random echo).
    this.c1.copy(out, 1 + HANDSHAKE_SIZE);
    out.writeUInt32BE(uptime, 1 + HANDSHAKE_SIZE + 4);
    return out;
  }
}
