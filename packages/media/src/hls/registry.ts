/**
 * The HLS presentations of one MediaServer: the live one of each stream and, for hlsEndedKeepMs after
 * publishing stops, the ended one (so players reach EXT-X-ENDLIST). A new session of a stream replaces
 * its presentation at once and continues its media sequence numbers.
 */
import type { LlHlsStream } from './hls-stream.js';
import { errorResponse, type HlsQuery, type HlsResponse } from './response.js';

export class HlsRegistry {
  private readonly streams = new Map<string, { stream: LlHlsStream; timer: NodeJS.Timeout | null }>();
  /** Next media sequence number per stream id, so a new session never reuses an earlier one's. */
  private readonly nextMsn = new Map<string, number>();

  constructor(private readonly endedKeepMs: number) {}

  /** A publish session starts: drop the previous presentation; the media sequence number to start from. */
  begin(streamId: string): number {
    this.drop(streamId);
    return this.nextMsn.get(streamId) ?? 0;
  }

  add(streamId: string, stream: LlHlsStream): void {
    this.streams.set(streamId, { stream, timer: null });
  }

  /** Publishing stopped: keep serving the ended presentation for endedKeepMs, then drop it. */
  retire(streamId: string, stream: LlHlsStream): void {
    const e = this.streams.get(streamId);
    if (e?.stream !== stream) return;
    this.nextMsn.set(streamId, stream.nextMsn);
    e.timer = setTimeout(() => {
      if (this.streams.get(streamId) === e) this.drop(streamId);
    }, this.endedKeepMs);
    e.timer.unref();
  }

  request(streamId: string, file: string, query?: HlsQuery): Promise<HlsResponse> {
    const e = this.streams.get(streamId);
    if (!e) return Promise.resolve(errorResponse(404, 'no HLS for this stream (not live)'));
    return e.stream.request(file, query);
  }

  drop(streamId: string): void {
    const e = this.streams.get(streamId);
    if (!e) return;
    if (e.timer) clearTimeout(e.timer);
    this.nextMsn.set(streamId, Math.max(this.nextMsn.get(streamId) ?? 0, e.stream.nextMsn));
    e.stream.dispose();
    this.streams.delete(streamId);
  }

  closeAll(): void {
    for (const id of [...this.streams.keys()]) this.drop(id);
  }
}
