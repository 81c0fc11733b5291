/**
 * What a publishing front (RTMP sessions, WHIP) needs from the media server: the single
 * authorisation gate, the one-publisher-per-stream rule (a stream id is reserved while a publisher
 * connects, live while it publishes), and the start of a pipeline.
 */
import type { PublishProtocol } from './events.js';
import type { PublisherLink, PublishPipeline } from './publish.js';

export interface AuthorizeRequest {
  app: string;
  streamName: string;
  query: Record<string, string>;
  remoteAddress: string;
}

/**
 * Why a publish is refused, for protocols with status codes (WHIP/HTTP):
 * unauthorized → 401, forbidden → 403 (the default), not_found → 404, conflict → 409.
 * RTMP: unauthorized → NetStream.Publish.Unauthorized unless `code` says otherwise.
 */
export type RefusalKind = 'unauthorized' | 'forbidden' | 'not_found' | 'conflict';

export type AuthorizeResult =
  | { ok: true; streamId: string }
  | { ok: false; reason: string; kind?: RefusalKind; code?: 'NetStream.Publish.BadName' | 'NetStream.Publish.Unauthorized' };

export type Authorization = { ok: true; streamId: string } | { ok: false; kind: RefusalKind; reason: string; code?: string };

/** A publisher that holds a stream id while it connects (before its pipeline starts). */
export interface Reservation {
  readonly id: string;
  kick(reason: string): void;
}

export interface PublishHost {
  isClosing(): boolean;
  /** authorizePublish() with logging, stream id validation and the one-publisher check. */
  authorize(req: AuthorizeRequest, protocol: PublishProtocol): Promise<Authorization>;
  /** Hold a stream id for a connecting publisher. False if the stream has a publisher or a reservation. */
  reserve(streamId: string, r: Reservation): boolean;
  /** Drop a reservation (only if `id` still holds it). */
  release(streamId: string, id: string): void;
  /** Start publishing: hub, recorder, HLS, publishStart. Takes over `link.id`'s reservation. Throws if the stream is taken. */
  start(streamId: string, link: PublisherLink): PublishPipeline;
}
