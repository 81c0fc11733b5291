/**
 * One authorised publish session: turns RTMP audio/video/data messages into FLV tags for its hub
 * (in place, in the buffer the chunk reader assembled — no copy) and reports its end once.
 */
import type { Logger } from './log.js';
import type { PublishStopReason } from './events.js';
import type { RtmpMessage } from './rtmp/chunk-reader.js';
import type { PublishTarget, RtmpSession } from './rtmp/session.js';
import { decodeAmf0, encodeAmf0, EcmaArray, type Amf0Object, type Amf0Value } from './rtmp/amf0.js';
import { MSG } from './rtmp/chunk-writer.js';
import { buildTag, classifyAudio, classifyVideo, finishTagInPlace, TAG_AUDIO, TAG_SCRIPT, TAG_VIDEO, TagKind } from './flv/tag.js';
import type { StreamHub } from './hub/stream-hub.js';
import type { FlvRecorder } from './record/recorder.js';
import type { HlsPackager } from './hls/packager.js';
import { errorMessage } from './errors.js';

export class PublishPipeline {
  readonly sessionId: string;
  readonly startedAt = Date.now();
  endedAt: number | null = null;
  recorder: FlvRecorder | null = null;
  hls: HlsPackager | null = null;
  readonly target: PublishTarget;

  constructor(
    readonly hub: StreamHub,
    readonly session: RtmpSession,
    private readonly logger: Logger,
    onEnd: (p: PublishPipeline, reason: PublishStopReason, detail?: string) => void,
  ) {
    this.sessionId = session.id;
    this.target = {
      onMessage: (m) => this.onMessage(m),
      onEnd: (reason, detail) => {
        if (this.endedAt !== null) return;
        this.endedAt = Date.now();
        onEnd(this, reason, detail);
      },
    };
  }

  private onMessage(m: RtmpMessage): void {
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
