/** One typed event map per emitter (DESIGN.md): payload types in one place. */
import { EventEmitter } from 'node:events';
import type { LiveStatus, TransitionCause } from '@zhibo/protocol';

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
  /** An app's settings or secret changed; `tokens`: its tokens (but the one hashed `except`) stop working at `until` (0 = now). */
  appChanged: [{ appid: string; tokens?: { until: number; except?: string } }];
  /**
   * An in-page go-live reminder (issue 6) for a viewer of an app: the realtime gateway forwards it
   * to that viewer's open "site" connections. `key` is the delivery's idempotency key.
   */
  reminderInPage: [{ appid: string; openid: string; roomId: number; roomName: string; key: string; at: number }];
  /** Viewer counts from the media plane (HTTP-FLV/WS-FLV/HLS players), per room. */
  mediaViewers: [{ roomId: number; count: number; peak: number }];
}

export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  private readonly ee = new EventEmitter();
  constructor() {
    this.ee.setMaxListeners(100);
  }
  on<K extends keyof E & string>(event: K, fn: (...args: E[K]) => void): () => void {
    this.ee.on(event, fn as (...a: unknown[]) => void);
    return () => this.ee.off(event, fn as (...a: unknown[]) => void);
  }
  emit<K extends keyof E & string>(event: K, ...args: E[K]): void {
    this.ee.emit(event, ...args);
  }
}
