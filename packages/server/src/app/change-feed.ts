/**
 * Several zhibo processes on one PostgreSQL: each keeps hot state in memory (room statuses, room-list answers,
 * realtime rooms), so every domain change is broadcast with NOTIFY and applied by the other processes' listeners.
 * A process ignores its own notifications (origin id). The embedded PGlite is one process by construction (its
 * lock file), so there the feed is off.
 */
import pg from 'pg';
import type { DomainBus, DomainEvents, StatusChange } from '../lib/domain-events.js';
import { randomHex } from '../lib/crypto.js';
import type { Log } from '../lib/log.js';
import type { Component } from '../modules/module.js';
import type { RoomService } from '../modules/rooms/service.js';
import type { Db } from '../db/index.js';

const CHANNEL = 'zhibo_changes';

type Change =
  | { kind: 'status'; change: StatusChange }
  | { kind: 'roomChanged' | 'roomDeleted' | 'streamKeyChanged'; roomId: number; appid: string; which?: 'main' | 'sub' }
  | { kind: 'appChanged'; app: DomainEvents['appChanged'][0] };

export class ChangeFeed implements Component {
  readonly name = 'change feed (PostgreSQL NOTIFY/LISTEN)';
  readonly origin = randomHex(8);
  private client: pg.Client | undefined;
  private relaying = false;
  private closed = false;
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly db: Db,
    private readonly url: string,
    private readonly events: DomainBus,
    private readonly rooms: RoomService,
    private readonly log: Log,
  ) {}

  async start(): Promise<void> {
    await this.listen();
    // Local changes go out after their commit (the events fire after commit).
    const send = (c: Change) => {
      if (this.relaying || this.closed) return;
      this.db
        .query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ origin: this.origin, ...c })])
        .catch((e: unknown) => this.log.warn(`change feed: notify failed: ${(e as Error).message}`));
    };
    this.offs.push(
      this.events.on('status', (change) => send({ kind: 'status', change })),
      this.events.on('roomChanged', (e) => send({ kind: 'roomChanged', ...e })),
      this.events.on('roomDeleted', (e) => send({ kind: 'roomDeleted', ...e })),
      this.events.on('streamKeyChanged', (e) => send({ kind: 'streamKeyChanged', ...e })),
      this.events.on('appChanged', (app) => send({ kind: 'appChanged', app })),
    );
  }

  /** The LISTEN connection; when it is lost (PostgreSQL restarted or unreachable) it is opened again every second. */
  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    let lost = false;
    const again = (why: string) => {
      if (lost || this.closed) return;
      lost = true;
      this.log.warn(`change feed: listener connection lost (${why}); reconnecting (caches may be stale until then)`);
      void client.end().catch(() => undefined);
      const retry = () => {
        if (this.closed) return;
        this.listen().then(
          () => this.log.info('change feed: listening again'),
          () => setTimeout(retry, 1000).unref(),
        );
      };
      setTimeout(retry, 1000).unref();
    };
    client.on('error', (e) => again(e.message));
    client.on('end', () => again('connection ended'));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    client.on('notification', (n) => {
      // not awaited: a notification handler; receive() catches and logs its own failures
      if (n.channel === CHANNEL && n.payload) void this.receive(n.payload);
    });
    this.client = client;
  }

  private async receive(payload: string): Promise<void> {
    let msg: Change & { origin: string };
    try {
      msg = JSON.parse(payload) as Change & { origin: string };
    } catch {
      return;
    }
    if (msg.origin === this.origin) return;
    try {
      if (msg.kind !== 'status' && msg.kind !== 'appChanged') await this.rooms.refreshCached(msg.roomId);
      // Re-emitted locally (caches drop, realtime pushes) without sending it out again.
      this.relaying = true;
      try {
        if (msg.kind === 'status') this.rooms.remoteCommitted(msg.change);
        else if (msg.kind === 'appChanged') this.events.emit('appChanged', msg.app);
        else if (msg.kind === 'streamKeyChanged') this.events.emit(msg.kind, { roomId: msg.roomId, appid: msg.appid, which: msg.which });
        else this.events.emit(msg.kind, { roomId: msg.roomId, appid: msg.appid });
      } finally {
        this.relaying = false;
      }
    } catch (e) {
      this.log.warn(`change feed: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
    for (const off of this.offs.splice(0)) off();
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
