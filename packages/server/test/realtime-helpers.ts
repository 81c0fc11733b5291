/** A real `ws` client for the realtime tests: records every message and the close code. */
import WebSocket from 'ws';
import { waitUntil } from '@zhibo/testkit';
import { RealtimeRoutes, SDK_VERSION, type RoomHello, type ServerMessage, type WelcomeMsg } from '@zhibo/protocol';

export type Msg = ServerMessage;
type Of<T extends Msg['type']> = Extract<Msg, { type: T }>;

let devices = 0;
export const newDevice = (): string => `dev-${process.pid}-${++devices}-abcdef`;

export class Viewer {
  readonly msgs: Msg[] = [];
  closed: { code: number; reason: string } | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      try {
        this.msgs.push(JSON.parse(String(d)) as Msg);
      } catch {
        /* recorded nothing */
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
    ws.on('error', () => {});
  }

  static async open(baseUrl: string, path: string = RealtimeRoutes.room): Promise<Viewer> {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws').replace(/\/$/, '') + path);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Viewer(ws);
  }

  /** Open /ws/room and join a room; resolves with the welcome. */
  static async join(baseUrl: string, roomId: number, extra: Partial<RoomHello> = {}): Promise<{ v: Viewer; welcome: WelcomeMsg }> {
    const v = await Viewer.open(baseUrl);
    v.send({ type: 'hello', v: 1, roomId, deviceId: newDevice(), sdkVersion: SDK_VERSION, ...extra });
    const welcome = await v.next('welcome');
    return { v, welcome };
  }

  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  all<T extends Msg['type']>(type: T): Array<Of<T>> {
    return this.msgs.filter((m): m is Of<T> => m.type === type);
  }

  /** The first message of a type (matching pred) received so far or within the timeout. */
  next<T extends Msg['type']>(type: T, pred: (m: Of<T>) => boolean = () => true, timeoutMs = 5000): Promise<Of<T>> {
    return waitUntil(() => this.all(type).find(pred), { timeoutMs, what: `a ${type} message`, intervalMs: 10 });
  }

  closeCode(timeoutMs = 5000): Promise<number> {
    return waitUntil(() => this.closed?.code, { timeoutMs, what: 'the socket to close', intervalMs: 10 });
  }

  close(): void {
    this.ws.close();
  }
}
