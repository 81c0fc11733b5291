/** The domain event map (one typed event map, docs/architecture.md): payload types in one place, emitted after commit. */
import { Emitter, type LiveStatus, type TransitionCause } from '@zhibo/protocol';
import type { Log } from './log.js';

export interface StatusChange {
  roomId: number;
  appid: string;
  from: LiveStatus;
  to: LiveStatus;
  cause: TransitionCause;
  actor: string;
  at: number;
}

export interface DomainEvents {
  status: [StatusChange];
  /** a room's data (fields, goods) changed: caches of the room list drop it */
  roomChanged: [{ roomId: number; appid: string }];
  roomDeleted: [{ roomId: number; appid: string }];
  /** A room's stream key was replaced: whoever publishes with the old key is kicked (nginx-rtmp drop/publisher). */
  streamKeyChanged: [{ roomId: number; appid: string; /** which key: the room's (default) or the sub-anchor's */ which?: 'main' | 'sub' }];
  /** An app's settings or secret changed; `tokens`: its tokens of `kind` (default basic; but the one hashed `except`) stop working at `until` (0 = now). */
  appChanged: [{ appid: string; tokens?: { until: number; except?: string; kind?: 'basic' | 'stable' } }];
  /** An in-page go-live reminder for a viewer of an app: the realtime gateway forwards it to that viewer's open site connections. */
  reminderInPage: [{ appid: string; openid: string; roomId: number; roomName: string; key: string; at: number }];
  /** A replay segment of a room became ready (`ready`: the room's ready segments now): room pages refresh their list. */
  replayReady: [{ roomId: number; ready: number }];
  /**
   * Something the merchant did in a room that its viewers saw: presented a product (goodsId null: stopped), closed or
   * opened the comments, pinned a notice (text null: unpinned). The replays module writes it down for the chat replay
   * and the markers (看点). Local to the process that did it.
   */
  roomActivity: [
    { roomId: number; appid: string; at: number } & (
      { kind: 'present'; goodsId: number | null } | { kind: 'comments'; closed: boolean } | { kind: 'notice'; text: string | null }
    ),
  ];
  /** Viewer counts from the media plane (HTTP-FLV/WS-FLV/HLS players), per room. */
  mediaViewers: [{ roomId: number; count: number; peak: number }];
  /** Measurements for /metrics (app/metrics.ts), not domain facts: a room timer fired `lagMs` after it was due. */
  timerFired: [{ kind: string; lagMs: number }];
  /** Measurement: a reminder delivery attempt ended in `state`, `latencyMs` after its row was queued. */
  reminderDelivered: [{ channel: string; state: string; latencyMs: number }];
}

export type DomainBus = Emitter<DomainEvents>;

/** The bus: a listener that throws is logged and isolated, never thrown into the emitter's caller (e.g. after a commit). */
export function createDomainBus(log: Log): DomainBus {
  return new Emitter<DomainEvents>((event, e) =>
    log.error(`a "${event}" listener threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  );
}
