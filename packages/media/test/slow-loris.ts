/**
 * A slow-loris attacker for tests: many TCP connections to the RTMP port from chosen loopback source
 * addresses (127.0.0.0/8 all routes to lo on Linux), each trickling the RTMP handshake one byte at a
 * time (C0 = 3, then C1 bytes), so it never completes but is never idle. With `reconnect` a connection
 * the server closes is opened again (after reconnectMs), keeping the pressure on. stop() ends it all.
 */
import { connect, type Socket } from 'node:net';

export interface SlowLorisOptions {
  port: number;
  /** Source addresses, used round-robin. */
  from: string[];
  /** Connections to hold. */
  count: number;
  /** One byte per connection every this many ms. */
  everyMs: number;
  /** Reopen connections the server closes. */
  reconnect?: boolean;
  reconnectMs?: number;
}

export class SlowLoris {
  /** Successful TCP connects in all (including reconnects). */
  connects = 0;
  /** Connections the server closed. */
  closedByServer = 0;
  readonly open = new Set<Socket>();
  private stopped = false;
  private readonly timer: NodeJS.Timeout;
  private readonly pending = new Set<NodeJS.Timeout>();
  private next = 0;

  constructor(private readonly o: SlowLorisOptions) {
    this.timer = setInterval(() => {
      for (const s of this.open) if (s.writable) s.write(Buffer.from([3]));
    }, o.everyMs);
  }

  /** Open all connections, in batches so the listen backlog never overflows. */
  async start(): Promise<void> {
    for (let i = 0; i < this.o.count && !this.stopped; i += 100) {
      const batch = Array.from({ length: Math.min(100, this.o.count - i) }, () => this.openOne());
      await Promise.all(batch);
    }
  }

  private openOne(): Promise<void> {
    const localAddress = this.o.from[this.next++ % this.o.from.length]!;
    return new Promise((resolve) => {
      const s = connect({ port: this.o.port, host: '127.0.0.1', localAddress });
      let connected = false;
      s.on('error', () => {});
      s.on('data', () => {});
      s.once('connect', () => {
        connected = true;
        this.connects++;
        this.open.add(s);
        s.write(Buffer.from([3])); // C0; the interval trickles the rest
        resolve();
      });
      s.once('close', () => {
        resolve();
        if (!this.open.delete(s) || this.stopped) return;
        if (connected) this.closedByServer++;
        if (this.o.reconnect) {
          const t = setTimeout(() => {
            this.pending.delete(t);
            if (!this.stopped) void this.openOne();
          }, this.o.reconnectMs ?? 50);
          this.pending.add(t);
        }
      });
    });
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const t of this.pending) clearTimeout(t);
    for (const s of this.open) s.destroy();
    this.open.clear();
  }
}

/** 127.0.0.FIRST … 127.0.0.(FIRST+N-1). */
export function loopbackAddresses(first: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `127.0.0.${first + i}`);
}
