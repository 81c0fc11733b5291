/** Replays (S-REPLAY): every publish session is recorded; its MP4 is a replay segment for a year (ZHIBO_REPLAY_TTL_DAYS). */
import type { Clock } from '@zhibo/core';
import type { Log } from '../../lib/log.js';
import type { ReplayRow, ReplaysSql } from './sql.js';

const DAY_MS = 86_400_000;

export const isoSeconds = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** Told about segments as they come and go (the highlights lifecycle: the one replay is built once they settle). */
export interface SegmentHooks {
  started(roomId: number): Promise<void>;
  settled(roomId: number): Promise<void>;
}

export class ReplayService {
  readonly hooks: SegmentHooks[] = [];

  constructor(
    private readonly sql: ReplaysSql,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly ttlDays: number,
  ) {}

  /** A publish session started: its recording is on the way. */
  async recordingStarted(roomId: number, sessionId: string): Promise<void> {
    await this.sql.started(roomId, sessionId, this.clock.now());
    for (const h of this.hooks) await h.started(roomId);
  }

  /** S-REPLAY-1: a session's recording became an MP4: a replay segment for a year. */
  async recordingReady(e: {
    roomId: number;
    sessionId: string;
    file: string;
    startedAt: number;
    endedAt: number;
    durationSec: number;
  }): Promise<void> {
    const now = this.clock.now();
    await this.sql.ready({ ...e, createTime: now, expireTime: now + this.ttlDays * DAY_MS });
    this.log.info(`room ${e.roomId}: replay segment ready (${e.durationSec.toFixed(1)} s, session ${e.sessionId})`);
    for (const h of this.hooks) await h.settled(e.roomId);
  }

  async recordingFailed(e: { roomId: number; sessionId: string; error: string }): Promise<void> {
    await this.sql.failed(e.sessionId);
    this.log.error(`room ${e.roomId}: recording of session ${e.sessionId} failed: ${e.error}`);
    for (const h of this.hooks) await h.settled(e.roomId);
  }

  /** After `zhibo restore` into another data directory: the files are under `to` now. */
  relocateFiles(from: string, to: string): Promise<number> {
    return from === to ? Promise.resolve(0) : this.sql.relocate(from.endsWith('/') ? from : `${from}/`, to.endsWith('/') ? to : `${to}/`);
  }

  mediaUrl(base: string, roomId: number, sessionId: string): string {
    return `${base}/replay/${roomId}/${sessionId}.mp4`;
  }

  readyPage(roomId: number, start: number, limit: number): Promise<{ rows: ReplayRow[]; total: number }> {
    return this.sql.readyPage(roomId, start, limit);
  }

  playable(roomId: number, limit = 100): Promise<ReplayRow[]> {
    return this.sql.playable(roomId, this.clock.now(), limit);
  }

  notExpired(roomId: number): Promise<ReplayRow[]> {
    return this.sql.notExpired(roomId);
  }

  fileOf(roomId: number, sessionId: string): Promise<string | undefined> {
    return this.sql.readyFile(roomId, sessionId);
  }

  /** A deleted room's segments: marked expired and returned (the caller deletes the files). */
  removeRoom(roomId: number): Promise<ReplayRow[]> {
    return this.sql.removeRoom(roomId);
  }

  /** Segments past expire_time: marked expired and returned (the job deletes the files). */
  expire(): Promise<ReplayRow[]> {
    return this.sql.expire(this.clock.now());
  }
}
