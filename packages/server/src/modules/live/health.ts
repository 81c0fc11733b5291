/**
 * Stream health for the anchor (issue 12 §7): the media plane's measurements of a room's stream, warnings in words an
 * anchor acts on, and the pushes that were refused (wrong key, ended room, a second encoder) with their reason — kept
 * in memory, the last ten per room, so the go-live page shows them and not only the server log.
 */
import type { PublishRefusedEvent, StreamStats } from '@zhibo/media';

export interface RefusedPush {
  at: number;
  reason: string;
  /** the encoder's address */
  from: string;
}

export interface HealthWarning {
  code: 'keyframe_interval' | 'late' | 'low_fps' | 'no_audio' | 'codec' | 'no_data';
  message: string;
}

export interface StreamHealth {
  /** null when nobody publishes to the room */
  stream: StreamStats | null;
  warnings: HealthWarning[];
  refused: RefusedPush[];
}

const KEEP = 10;

/** Warnings in the anchor's words (keyframe interval above 2 s, data late, low frame rate, codecs browsers can not play). */
export function healthWarnings(s: StreamStats): HealthWarning[] {
  const w: HealthWarning[] = [];
  const key = s.keyframeIntervalSec;
  if (key !== null && key > 2)
    w.push({
      code: 'keyframe_interval',
      message: `Keyframe interval is ${key} s: set it to 2 s (OBS: Settings → Output → Keyframe Interval 2). Viewers wait up to one interval before the picture starts.`,
    });
  if (s.uptimeSec >= 3 && s.bitrateKbps === 0) w.push({ code: 'no_data', message: 'No audio or video is arriving: check the encoder.' });
  if (s.lateMs > 2000)
    w.push({
      code: 'late',
      message: `Data arrives ${(s.lateMs / 1000).toFixed(1)} s behind: the upload or the encoder can not keep up. Lower the bitrate or the resolution.`,
    });
  if (s.uptimeSec >= 5 && s.fps > 0 && s.fps < 15)
    w.push({
      code: 'low_fps',
      message: `Only ${s.fps} frames per second arrive: the encoder is overloaded or set too low (use 25 or 30).`,
    });
  if (s.video && s.video.codec !== 'H.264')
    w.push({ code: 'codec', message: `Video is ${s.video.codec}: most browsers play only H.264. Set the encoder to x264 / H.264.` });
  if (s.uptimeSec >= 5 && !s.audio) w.push({ code: 'no_audio', message: 'No audio track: viewers will hear nothing.' });
  return w;
}

export class RefusalLog {
  private readonly byRoom = new Map<number, RefusedPush[]>();

  /** A refused push whose stream name is a room id (anything else belongs to no room). */
  add(e: PublishRefusedEvent): void {
    if (!/^\d{1,10}$/.test(e.streamName)) return;
    const id = Number(e.streamName);
    const list = this.byRoom.get(id) ?? [];
    list.unshift({ at: e.at, reason: e.reason, from: e.remoteAddress });
    if (list.length > KEEP) list.length = KEEP;
    this.byRoom.set(id, list);
    if (this.byRoom.size > 10_000) this.byRoom.delete(this.byRoom.keys().next().value!);
  }

  of(roomId: number): RefusedPush[] {
    return this.byRoom.get(roomId) ?? [];
  }
}
