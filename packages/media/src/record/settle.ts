/**
 * Settling recordings into replays: the FLV of a finished publish session, or one a crash left
 * behind, is remuxed to MP4 and reported (recordingReady / recordingFailed).
 */
import { rm, stat } from 'node:fs/promises';
import type { MediaEvents, RecordingReadyEvent, TypedEmitter } from '../events.js';
import type { Logger } from '../log.js';
import { errorMessage } from '../errors.js';
import type { FlvRecorder } from './recorder.js';
import { parseRecordingPath, remuxFlvToMp4, type RemuxOptions } from './remux.js';

export interface SettleContext {
  events: TypedEmitter<MediaEvents>;
  logger: Logger;
  remux: RemuxOptions;
}

/** A finished session's recording: remuxed and reported; an empty one is removed. */
export async function settleSession(
  ctx: SettleContext,
  rec: FlvRecorder,
  s: { streamId: string; sessionId: string; startedAt: number; endedAt: number | null },
): Promise<void> {
  const { streamId, sessionId } = s;
  if (!rec.hasMedia) {
    ctx.events.emit('recordingFailed', { streamId, sessionId, file: rec.file, error: 'no media was recorded' });
    await rm(rec.file, { force: true });
    return;
  }
  try {
    const r = await remuxFlvToMp4(rec.file, ctx.remux);
    ctx.events.emit('recordingReady', {
      streamId,
      sessionId,
      file: r.file,
      startedAt: s.startedAt,
      endedAt: s.endedAt ?? Date.now(),
      durationSec: r.durationSec,
    });
  } catch (e) {
    ctx.logger.error(`media: ${streamId}: recording ${rec.file}: ${errorMessage(e)}`);
    ctx.events.emit('recordingFailed', { streamId, sessionId, file: rec.file, error: errorMessage(e) });
  }
}

/** An FLV a crash left behind (startedAt = file mtime − duration). Resolves to the event or null. */
export async function settleLeftover(ctx: SettleContext, flvFile: string): Promise<RecordingReadyEvent | null> {
  const { streamId, sessionId } = parseRecordingPath(flvFile);
  try {
    const endedAt = (await stat(flvFile)).mtimeMs;
    const r = await remuxFlvToMp4(flvFile, ctx.remux);
    const e: RecordingReadyEvent = {
      streamId,
      sessionId,
      file: r.file,
      startedAt: Math.round(endedAt - r.durationSec * 1000),
      endedAt: Math.round(endedAt),
      durationSec: r.durationSec,
    };
    ctx.events.emit('recordingReady', e);
    return e;
  } catch (e) {
    ctx.logger.error(`media: leftover recording ${flvFile}: ${errorMessage(e)}`);
    ctx.events.emit('recordingFailed', { streamId, sessionId, file: flvFile, error: errorMessage(e) });
    return null;
  }
}
