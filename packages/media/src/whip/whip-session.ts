/**
 * One WHIP publisher: its peer connection, its audio and video paths into the stream hub, and its
 * lifecycle. The stream id is reserved from the POST; the publish pipeline (hub, recorder, HLS,
 * publishStart) starts when ICE + DTLS connect. It ends exactly once — DELETE ('deleted'), kick,
 * ICE/DTLS failure or silence ('ice_failed'), no media ('timeout'), the peer closing DTLS or the
 * server closing ('socket_closed') — and then releases everything (UDP sockets, ffmpeg).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { MediaStreamTrack, RtcpPacket, RTCPeerConnection, RtpPacket } from 'werift';
import type { Logger } from '../log.js';
import type { PublishStopReason } from '../events.js';
import type { PublisherLink, PublishPipeline } from '../publish.js';
import type { PublishHost, Reservation } from '../publish-host.js';
import { buildTag, TAG_SCRIPT, TagKind } from '../flv/tag.js';
import { encodeAmf0, EcmaArray } from '../rtmp/amf0.js';
import { errorMessage } from '../errors.js';
import { AvSync } from './av-sync.js';
import { Interleaver } from './interleaver.js';
import { VideoTrack, type RtpIn } from './video-track.js';
import { AudioTrack } from './audio-track.js';
import { answerOffer, createPeer, type PeerOptions } from './peer.js';
import { prepareOffer, rewriteCandidates, sendsMedia, usableCandidate, type SdpFrag, type SdpSummary } from './sdp.js';

export interface WhipSessionOptions extends PeerOptions {
  streamId: string;
  /** The name in the endpoint URL (BASE/STREAMNAME); the gate maps it to streamId. */
  streamName: string;
  token: string;
  remoteAddress: string;
  offer: SdpSummary;
  host: PublishHost;
  logger: Logger;
  ffmpegPath?: string;
  audioBitrate?: string;
  mediaTimeoutMs: number;
  stallTimeoutMs: number;
  keyframeIntervalMs: number;
  jitterMs: number;
  onClosed(s: WhipSession): void;
}

const TICK_MS = 250;

export interface WhipSessionStats {
  /** frames/keyframes delivered, skipped (waiting for a keyframe after a loss), packets lost after the jitter buffer gave up, PLIs, NACK rounds. */
  video: { frames: number; keyframes: number; skipped: number; lost: number; keyframeRequests: number; nacksSent: number };
  audio: { frames: number; lost: number };
  /** RTCP sender reports used for A/V alignment, and refused as inconsistent. */
  senderReports: { video: { used: number; refused: number }; audio: { used: number; refused: number } };
}

export class WhipSession implements PublisherLink, Reservation {
  readonly id = `w${Date.now().toString(36)}-${randomBytes(12).toString('hex')}`;
  readonly protocol = 'whip' as const;
  readonly etag = `"${randomBytes(8).toString('hex')}"`;
  readonly createdAt = Date.now();
  readonly sync = new AvSync();
  readonly video: VideoTrack;
  readonly audio: AudioTrack | null;
  endReason: PublishStopReason | null = null;
  /** Resolves when the peer connection and ffmpeg are gone. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private readonly pc: RTCPeerConnection;
  private readonly mux: Interleaver;
  private pipeline: PublishPipeline | null = null;
  private lastRtcpAt = 0;
  private nacks = 0;
  private videoSsrc = -1;
  private audioSsrc = -1;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: WhipSessionOptions) {
    this.done = new Promise((r) => (this.resolveDone = r));
    this.pc = createPeer(o);
    this.mux = new Interleaver({ maxDelayMs: 400, emit: (tag, kind) => this.pipeline?.hub.push(tag, kind) });
    const label = `${o.streamId} (whip ${this.id})`;
    this.video = new VideoTrack({
      sync: this.sync,
      jitterMs: o.jitterMs,
      keyframeIntervalMs: o.keyframeIntervalMs,
      emit: (tag, kind, ts) => this.mux.push('video', tag, kind, ts),
      requestKeyframe: () => this.requestKeyframe(),
      sprop: sprop(o.offer),
    });
    const hasAudio = o.offer.media.some((m) => m.kind === 'audio' && sendsMedia(m));
    this.audio = hasAudio
      ? new AudioTrack({
          sync: this.sync,
          jitterMs: 60,
          logger: o.logger,
          label,
          ffmpegPath: o.ffmpegPath,
          bitrate: o.audioBitrate,
          emit: (tag, kind, ts) => this.mux.push('audio', tag, kind, ts),
        })
      : null;
    this.mux.setExpected('audio', hasAudio);
    this.pc.onTrack.subscribe((t) => this.onTrack(t));
    this.pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected') this.start();
      else if (s === 'failed') this.end('ice_failed', 'ICE/DTLS failed');
      else if (s === 'closed') this.end('socket_closed', 'the peer closed the connection');
    });
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  get remoteAddress(): string {
    return this.o.remoteAddress;
  }

  get streamId(): string {
    return this.o.streamId;
  }

  get streamName(): string {
    return this.o.streamName;
  }

  /** Whether a Bearer token is this session's (constant time; the token itself is not exposed). */
  matchesToken(token: string): boolean {
    const a = Buffer.from(token);
    const b = Buffer.from(this.o.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  get iceUfrag(): string | null {
    return this.o.offer.iceUfrag;
  }

  get icePwd(): string | null {
    return this.o.offer.icePwd;
  }

  get publishing(): boolean {
    return this.pipeline !== null && this.endReason === null;
  }

  /** The PIDs of the ffmpeg processes this session started. */
  get ffmpegPids(): number[] {
    return this.audio?.transcoder.pids ?? [];
  }

  /** Counters for diagnostics and tests. */
  stats(): WhipSessionStats {
    const v = this.video;
    return {
      video: {
        frames: v.frames,
        keyframes: v.keyframes,
        skipped: v.skipped,
        lost: v.lost,
        keyframeRequests: v.keyframeRequests,
        nacksSent: this.nacks,
      },
      audio: { frames: this.audio?.frames ?? 0, lost: this.audio?.lost ?? 0 },
      senderReports: {
        video: { used: this.sync.video.srUsed, refused: this.sync.video.srRefused },
        audio: { used: this.sync.audio.srUsed, refused: this.sync.audio.srRefused },
      },
    };
  }

  /** Offer → answer (all candidates gathered; host candidates filtered/rewritten per options). */
  async negotiate(offer: string): Promise<string> {
    const answer = await answerOffer(this.pc, prepareOffer(offer));
    return rewriteCandidates(answer, { onlyAddress: this.o.bindAddress, announcedIp: this.o.announcedIp });
  }

  /** Trickled candidates from a PATCH. */
  async addCandidates(frag: SdpFrag): Promise<void> {
    for (const c of frag.candidates) {
      if (!usableCandidate(c.candidate)) continue;
      await this.pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.mid ?? undefined, sdpMLineIndex: c.mLineIndex });
    }
  }

  kick(reason: string): void {
    this.end('kicked', reason);
  }

  /** The hub's close cascade (or the server closing). */
  close(reason: string): void {
    this.end(reason === 'kicked' ? 'kicked' : 'socket_closed', reason);
  }

  private start(): void {
    if (this.endReason !== null || this.pipeline) return;
    try {
      this.pipeline = this.o.host.start(this.o.streamId, this);
    } catch (e) {
      this.end('error', errorMessage(e));
      return;
    }
    const props: Record<string, string | number | boolean> = { videocodecid: 7, encoder: 'zhibo WHIP ingest' };
    if (this.audio) Object.assign(props, { audiocodecid: 10, audiosamplerate: 48000, audiochannels: 2, stereo: true });
    this.pipeline.hub.push(buildTag(TAG_SCRIPT, 0, encodeAmf0('onMetaData', new EcmaArray(props))), TagKind.Script);
  }

  private onTrack(track: MediaStreamTrack): void {
    track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
      if (this.endReason !== null || !this.pipeline) return;
      const p: RtpIn = { seq: rtp.header.sequenceNumber, ts: rtp.header.timestamp, marker: rtp.header.marker, payload: rtp.payload };
      try {
        if (track.kind === 'video') {
          this.videoSsrc = rtp.header.ssrc;
          this.video.push(p);
        } else if (this.audio) {
          this.audioSsrc = rtp.header.ssrc;
          this.audio.push(p);
        }
      } catch (e) {
        // a bug, never a peer's packet: end this session only
        this.o.logger.error(
          `media: whip ${this.o.streamId} (session ${this.id}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        );
        this.end('error', errorMessage(e));
      }
    });
    const receiver = this.pc.getTransceivers().find((t) => t.receiver.track === track)?.receiver;
    receiver?.onRtcp.subscribe((p: RtcpPacket) => this.onRtcp(p));
    if (track.kind === 'video') receiver?.onPacketLost.subscribe(() => this.nacks++);
  }

  private onRtcp(p: RtcpPacket): void {
    this.lastRtcpAt = Date.now();
    if (p.type !== 200) return; // sender report
    const clock = p.ssrc === this.videoSsrc ? this.sync.video : p.ssrc === this.audioSsrc ? this.sync.audio : null;
    if (clock) this.sync.senderReport(clock, p.senderInfo.ntpTimestamp, p.senderInfo.rtpTimestamp);
  }

  private requestKeyframe(): void {
    if (this.videoSsrc < 0) return;
    const receiver = this.pc.getTransceivers().find((t) => t.kind === 'video')?.receiver;
    receiver?.sendRtcpPLI(this.videoSsrc).catch(() => {});
  }

  private tick(): void {
    if (this.endReason !== null) return;
    const now = Date.now();
    if (this.video.keyframes === 0) {
      if (now - this.createdAt > this.o.mediaTimeoutMs) this.end('timeout', `no video keyframe within ${this.o.mediaTimeoutMs} ms`);
      else this.video.tick();
      return;
    }
    const lastMedia = Math.max(this.video.lastPacketAt, this.audio?.lastPacketAt ?? 0);
    if (now - lastMedia > this.o.stallTimeoutMs) {
      if (now - this.lastRtcpAt > this.o.stallTimeoutMs) this.end('ice_failed', `no packets for ${now - lastMedia} ms (peer gone)`);
      else this.end('timeout', `no media for ${now - lastMedia} ms`);
      return;
    }
    if (this.audio) this.mux.setExpected('audio', now - this.audio.lastPacketAt < 1000);
    this.video.tick();
  }

  /** End the session once: report it (publishStop, or release the reservation), then tear down. */
  end(reason: PublishStopReason, detail?: string): void {
    if (this.endReason !== null) return;
    this.endReason = reason;
    clearInterval(this.timer);
    this.mux.flush();
    this.mux.close();
    this.video.close();
    if (this.pipeline) this.pipeline.end(reason, detail);
    else {
      this.o.host.release(this.o.streamId, this.id);
      this.o.logger.info(
        `media: whip ${this.o.streamId} (session ${this.id}) from ${this.o.remoteAddress} ended before publishing: ${reason}${detail ? ` (${detail})` : ''}`,
      );
    }
    void this.teardown(); // fire-and-forget: end() is synchronous; teardown() never rejects and `done` says when it finished
  }

  /** Drop a session that never held its stream (not reported, nothing to release). */
  discard(): Promise<void> {
    if (this.endReason === null) {
      this.endReason = 'error';
      clearInterval(this.timer);
      this.mux.close();
      this.video.close();
      void this.teardown(); // not awaited: `done` (returned below) resolves when it finished; teardown() never rejects
    }
    return this.done;
  }

  /** Never rejects: a failure to stop the audio transcoder or the peer connection is logged. */
  private async teardown(): Promise<void> {
    try {
      await Promise.all([this.audio?.close(), this.pc.close().catch(() => {})]);
    } catch (e) {
      this.o.logger.warn(`media: whip ${this.o.streamId} (session ${this.id}): teardown failed: ${errorMessage(e)}`);
    } finally {
      this.o.onClosed(this);
      this.resolveDone();
    }
  }
}

/** SPS/PPS from the H.264 formats' sprop-parameter-sets in the offer (first one with both). */
function sprop(offer: SdpSummary): { sps: Buffer; pps: Buffer } | null {
  for (const m of offer.media) {
    for (const c of m.codecs) {
      const v = c.name === 'h264' ? c.fmtp['sprop-parameter-sets'] : undefined;
      if (!v) continue;
      const [sps, pps] = v.split(',').map((s) => Buffer.from(s, 'base64'));
      if (sps?.length && pps?.length && (sps[0]! & 0x1f) === 7 && (pps[0]! & 0x1f) === 8) return { sps, pps };
    }
  }
  return null;
}
