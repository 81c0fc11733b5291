/**
 * FLV muxing primitives: file header, tags with PreviousTagSize, and classification of
 * audio/video payloads (sequence headers, keyframes) for H.264/AAC and Enhanced-RTMP codecs.
 */
export const TAG_AUDIO = 8;
export const TAG_VIDEO = 9;
export const TAG_SCRIPT = 18;
export const TAG_HEADER_SIZE = 11;

/** "FLV", version 1, audio+video flags, header size 9, then PreviousTagSize0 = 0. */
export function flvHeader(hasAudio = true, hasVideo = true): Buffer {
  const b = Buffer.from([0x46, 0x4c, 0x56, 0x01, 0, 0, 0, 0, 9, 0, 0, 0, 0]);
  b[4] = (hasAudio ? 4 : 0) | (hasVideo ? 1 : 0);
  return b;
}

/** The 13-byte FLV header shared by every viewer (never mutate it). */
export const FLV_HEADER = flvHeader();

/**
 * Write the tag header into frame[0..11) and PreviousTagSize after the payload. The frame must be
 * exactly 11 + dataSize + 4 bytes with the payload already at offset 11; it becomes the tag.
 */
export function finishTagInPlace(frame: Buffer, type: number, timestamp: number, dataSize: number): Buffer {
  frame[0] = type;
  frame.writeUIntBE(dataSize, 1, 3);
  frame.writeUIntBE(timestamp & 0xffffff, 4, 3);
  frame[7] = (timestamp >>> 24) & 0xff;
  frame[8] = 0;
  frame[9] = 0;
  frame[10] = 0;
  frame.writeUInt32BE(TAG_HEADER_SIZE + dataSize, TAG_HEADER_SIZE + dataSize);
  return frame;
}

export function buildTag(type: number, timestamp: number, data: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(TAG_HEADER_SIZE + data.length + 4);
  data.copy(frame, TAG_HEADER_SIZE);
  return finishTagInPlace(frame, type, timestamp, data.length);
}

export enum TagKind {
  Script,
  AudioHeader,
  VideoHeader,
  Audio,
  Video,
  VideoKey,
}

const VIDEO_CODEC_AVC = 7;
const VIDEO_CODEC_HEVC_LEGACY = 12;
const AUDIO_AAC = 10;
const AUDIO_EX_HEADER = 9;

export function classifyVideo(p: Buffer): TagKind {
  const b0 = p[0];
  if (b0 === undefined) return TagKind.Video;
  if (b0 & 0x80) {
    // Enhanced RTMP: [isEx:1][frameType:3][packetType:4] + FourCC
    const frameType = (b0 >> 4) & 7;
    const packetType = b0 & 0x0f;
    if (packetType === 0 || packetType === 5) return TagKind.VideoHeader;
    if (packetType === 4 || frameType === 5) return TagKind.Video;
    return frameType === 1 ? TagKind.VideoKey : TagKind.Video;
  }
  const frameType = b0 >> 4;
  const codec = b0 & 0x0f;
  if ((codec === VIDEO_CODEC_AVC || codec === VIDEO_CODEC_HEVC_LEGACY) && p[1] === 0) return TagKind.VideoHeader;
  return frameType === 1 ? TagKind.VideoKey : TagKind.Video;
}

export function classifyAudio(p: Buffer): TagKind {
  const b0 = p[0];
  if (b0 === undefined) return TagKind.Audio;
  const format = b0 >> 4;
  if (format === AUDIO_AAC && p[1] === 0) return TagKind.AudioHeader;
  if (format === AUDIO_EX_HEADER && (b0 & 0x0f) === 0) return TagKind.AudioHeader;
  return TagKind.Audio;
}

/** Human-readable codec of a video/audio payload (for logs). */
export function videoCodecName(p: Buffer): string {
  const b0 = p[0] ?? 0;
  if (b0 & 0x80) return p.length >= 5 ? p.toString('latin1', 1, 5) : 'ex';
  return ({ 2: 'h263', 4: 'vp6', 7: 'h264', 12: 'hevc' } as Record<number, string>)[b0 & 0x0f] ?? `codec${b0 & 0x0f}`;
}

export function audioCodecName(p: Buffer): string {
  const f = (p[0] ?? 0) >> 4;
  return ({ 2: 'mp3', 10: 'aac', 11: 'speex', 7: 'g711a', 8: 'g711u', 9: 'ex' } as Record<number, string>)[f] ?? `format${f}`;
}
