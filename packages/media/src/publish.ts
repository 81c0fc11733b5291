/**
 * One authorised publish session, whatever the protocol: its hub, recorder and HLS packager, and
 * its end reported once. RTMP feeds it through rtmpTarget() (FLV tags built in place, in the buffer
 * the chunk reader assembled — no copy); WHIP pushes tags into the hub itself.
 */
import type { Logger } from './log.js';
import type { PublishProtocol, PublishStopReason } from './events.js';
import type { RtmpMessage } from './rtmp/chunk-reader.js';
import type { PublishTarget } from './rtmp/session.js';
import { decodeAmf0, encodeAmf0, EcmaArray, type Amf0Object, type Amf0Value } from './rtmp/amf0.js';
import { MSG } from './rtmp/chunk-writer.js';
import { buildTag, classifyAudio, classifyVideo, finishTagInPlace, TAG_AUDIO, TAG_SCRIPT, TAG_VIDEO, TagKind } from './flv/tag.js';
import type { StreamHub } from './hub/stream-hub.js';
import type { FlvRecorder } from './record/recorder.js';
import type { HlsPackager } from './hls/packager.js';
import { errorMessage } from './errors.js';

/** The protocol side of a publisher, as the media server sees it. */
export interface PublisherLink {
  readonly id: string;
  readonly protocol: PublishProtocol;
  readonly remoteAddress: string;
  /** Tell the peer why (where the protocol can), then disconnect; the end is reported with reason 'kicked'. */
  kick(reason: string): void;
  /** Disconnect (hub close cascade); the end is reported by the link itself. */
  close(reason: string): void;
}

export class PublishPipeline {
  readonly sessionId: string;
  readonly startedAt = Date.now();
  endedAt: number | null = null;
  recorder: FlvRecorder | null = null;
  hls: HlsPackager | null = null;

  constructor(
    readonly hub: StreamHub,
    readonly link: PublisherLink,
    private readonly logger: Logger,
    private readonly onEnd: (p: PublishPipeline, reason: PublishStopReason, detail?: string) => void,
  ) {
    this.sessionId = link.id;
  }

  get ended(): boolean {
    return this.endedAt !== null;
  }

  /** Publishing ended (reported once; later calls are ignored). */
  end(reason: PublishStopReason, detail?: string): void {
    if (this.endedAt !== null) return;
    this.endedAt = Date.now();
    this.onEnd(this, reason, detail);
  }

  /** The RTMP session's view of this pipeline. */
  rtmpTarget(): PublishTarget {
    return { onMessage: (m) => this.onRtmpMessage(m), onEnd: (reason, detail) => this.end(reason, detail) };
  }

  private onRtmpMessage(m: RtmpMessage): void {
    const len = m.payload.length;
    if (len === 0) return;
    if (m.typeId === MSG.Video) {
      this.hub.push(finishTagInPlace(m.frame, TAG_VIDEO, m.timestamp, len), classifyVideo(m.payload));
    } else if (m.typeId === MSG.Audio) {
      this.hub.push(finishTagInPlace(m.frame, TAG_AUDIO, m.timestamp, len), classifyAudio(m.payload));
    } else if (m.typeId === MSG.DataAmf0) {
      const tag = metadataTag(m.payload, this.logger, this.hub.streamId);
      if (tag) this.hub.push(tag, TagKind.Script);
    }
  }
}

function isObject(v: Amf0Value | undefined): v is Amf0Object {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof EcmaArray);
}

/** "@setDataFrame", "onMetaData", {…} (or "onMetaData", {…}) → FLV script tag "onMetaData" + ECMA array. */
export function metadataTag(payload: Buffer, logger: Logger, streamId: string): Buffer | null {
  let values: Amf0Value[];
  try {
    values = decodeAmf0(payload);
  } catch (e) {
    logger.debug?.(`media: ${streamId}: ignoring undecodable data message: ${errorMessage(e)}`);
    return null;
  }
  if (values[0] === '@setDataFrame') values = values.slice(1);
  if (values[0] !== 'onMetaData') return null;
  const props = isObject(values[1]) ? values[1] : (Object.create(null) as Amf0Object);
  return buildTag(TAG_SCRIPT, 0, encodeAmf0('onMetaData', new EcmaArray(props)));
}
