/** @zhibo/media — the media plane: RTMP ingest, stream hubs, HTTP-FLV / WS-FLV, HLS, recording. */
export { MediaServer, type MediaServerOptions, type AuthorizeRequest, type AuthorizeResult } from './media-server.js';
export { MediaStats, VIEWER_PROTOCOLS, type MediaStatsSnapshot, type ViewerProtocol, type DeliveryCounters } from './stats.js';
export type { ViewerHandle } from './viewers.js';
export {
  TypedEmitter,
  type MediaEvents,
  type PublishStartEvent,
  type PublishStopEvent,
  type PublishStopReason,
  type PublishProtocol,
  type ViewerCountEvent,
  type RecordingReadyEvent,
  type RecordingFailedEvent,
  type PublishRefusedEvent,
} from './events.js';
export { silentLogger, type Logger } from './log.js';
export { MediaError, RtmpProtocolError, RtmpLimitError, Amf0Error } from './errors.js';
export {
  createHttpFlvSink,
  createWebSocketSink,
  createSocketSink,
  closedSink,
  HTTP_FLV_HEADERS,
  type ViewerSink,
  type WebSocketLike,
} from './flv/sinks.js';
export { flvHeader, buildTag, classifyAudio, classifyVideo, TagKind, TAG_AUDIO, TAG_VIDEO, TAG_SCRIPT } from './flv/tag.js';
export { StreamHub, DEFAULT_VIEWER_POLICY, type HubOptions } from './hub/stream-hub.js';
export { IngestStats, type StreamStats } from './hub/stream-stats.js';
export { parseSps, avcInfoFromSequenceHeader, type AvcInfo } from './hub/h264-sps.js';
export type { ConsumerPolicy, ConsumerState } from './hub/consumer.js';
export { isValidStreamId } from './stream-id.js';
export { HlsInputError } from './hls/codec.js';
export type { HlsResponse, HlsQuery } from './hls/response.js';
export type { HlsConfig } from './hls/packager.js';
export {
  remuxFlvToMp4,
  findLeftoverRecordings,
  probeDuration,
  parseRecordingPath,
  mp4PathFor,
  RemuxError,
  type RemuxResult,
  type RemuxOptions,
} from './record/remux.js';
export { joinMp4, cutMp4, keyframeAtOrBefore, concatList, type EditOptions } from './record/edit.js';
export { decodeAmf0, encodeAmf0, EcmaArray, type Amf0Value, type Amf0Object } from './rtmp/amf0.js';
export {
  ChunkReader,
  DEFAULT_CHUNK_LIMITS,
  DEFAULT_PREAUTH_CHUNK_LIMITS,
  type ChunkReaderLimits,
  type RtmpMessage,
} from './rtmp/chunk-reader.js';
export { DEFAULT_RTMP_GUARDS, type RtmpGuards } from './rtmp/server.js';
export { ipKey } from './rtmp/admission.js';
export { encodeMessage, basicHeader, commandMessage, controlMessages, MSG } from './rtmp/chunk-writer.js';
export { WhipServer, type WhipOptions, type WhipRequest, type WhipResponse } from './whip/whip-server.js';
export type { WhipSession, WhipSessionStats } from './whip/whip-session.js';
export { createWhipNodeHandler } from './whip/node-handler.js';
export type { RefusalKind } from './publish-host.js';
export { pullFlv, type FlvPull, type FlvPullOptions } from './relay/flv-pull.js';
export type { RelayFeed } from './relay/relay-feed.js';
