/**
 * A WHIP (RFC 9725) publisher for the browser: one send-only RTCPeerConnection (H.264 preferred, Opus), the offer
 * POSTed with every candidate gathered (the server answers with all of its own), DELETE on stop. When the network
 * drops it reconnects by itself — a new session (DELETE the old one, POST again) with backoff — for as long as the
 * room's 106 window lasts; a refusal that retrying can not fix (wrong key, room ended, codec) stops it with an error.
 */
import { Emitter } from '@zhibo/protocol';

export type PublishState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'stopped';

export class WhipError extends Error {
  constructor(
    /** HTTP status of the refusal (0: network) */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
  /** worth another try: network, server busy, the old session still held (409) */
  get retryable(): boolean {
    return this.status === 0 || this.status === 409 || this.status === 503 || this.status >= 500;
  }
}

type Events = { state: [PublishState]; error: [WhipError] };

export interface WhipPublisherOptions {
  endpoint: string;
  /** the Bearer token (the room's stream key); asked again before each attempt, so a new key is picked up */
  token(): Promise<string>;
  maxBitrate: number;
  /** how long to keep reconnecting after the stream was lost (the room's 106 window) */
  reconnectWindowMs: number;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 10_000];
const CONNECT_TIMEOUT_MS = 15_000;
const DISCONNECTED_GRACE_MS = 3000;

export class WhipPublisher extends Emitter<Events> {
  state: PublishState = 'idle';
  /** reconnect attempts since the stream was lost */
  attempts = 0;
  private pc: RTCPeerConnection | null = null;
  private location: string | null = null;
  private token = '';
  private stream: MediaStream | null = null;
  private maxBitrate: number;
  private wanted = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lostSince = 0;
  private readonly online = () => this.state === 'reconnecting' && this.schedule(0);

  constructor(private readonly o: WhipPublisherOptions) {
    super();
    this.maxBitrate = o.maxBitrate;
  }

  /** Publish this stream (video + audio track). Rejects with a WhipError when the server refuses. */
  async start(stream: MediaStream): Promise<void> {
    this.stream = stream;
    this.wanted = true;
    this.lostSince = 0;
    addEventListener('online', this.online);
    this.set('connecting');
    try {
      await this.connect();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.timer);
    removeEventListener('online', this.online);
    await this.teardown(true);
    this.set('stopped');
  }

  /** Front/back camera: the new track replaces the old one without renegotiation. */
  async replaceVideo(track: MediaStreamTrack): Promise<void> {
    await this.sender('video')?.replaceTrack(track);
  }

  async setMaxBitrate(bps: number): Promise<void> {
    this.maxBitrate = bps;
    const s = this.sender('video');
    if (!s) return;
    const p = s.getParameters();
    if (!p.encodings?.length) p.encodings = [{}];
    p.encodings[0]!.maxBitrate = bps;
    await s.setParameters(p);
  }

  /** Bytes of video sent so far (for the bitrate readout). */
  async videoBytesSent(): Promise<number> {
    const s = this.sender('video');
    if (!s) return 0;
    let n = 0;
    (await s.getStats()).forEach((r: { type: string; bytesSent?: number }) => {
      if (r.type === 'outbound-rtp') n += r.bytesSent ?? 0;
    });
    return n;
  }

  private sender(kind: 'video' | 'audio'): RTCRtpSender | undefined {
    return this.pc?.getSenders().find((s) => s.track?.kind === kind);
  }

  private set(s: PublishState): void {
    if (this.state === s) return;
    this.state = s;
    this.emit('state', s);
  }

  private async connect(): Promise<void> {
    const stream = this.stream!;
    this.token = await this.o.token();
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.pc = pc;
    for (const track of stream.getTracks()) {
      const t = pc.addTransceiver(track, {
        direction: 'sendonly',
        streams: [stream],
        ...(track.kind === 'video' ? { sendEncodings: [{ maxBitrate: this.maxBitrate }] } : {}),
      });
      if (track.kind === 'video') preferH264(t);
    }
    pc.addEventListener('connectionstatechange', () => this.onConnection(pc));
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, 3000);
    let res: Response;
    try {
      res = await fetch(this.o.endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${this.token}` },
        body: pc.localDescription!.sdp,
      });
    } catch {
      throw new WhipError(0, '网络不可用 · the WHIP endpoint cannot be reached');
    }
    const text = await res.text();
    if (res.status !== 201) throw new WhipError(res.status, text.trim() || `WHIP POST answered ${res.status}`);
    this.location = new URL(res.headers.get('Location') ?? '', new URL(this.o.endpoint, location.href)).toString();
    if (this.pc !== pc) return; // stopped meanwhile
    await pc.setRemoteDescription({ type: 'answer', sdp: text });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => pc.connectionState !== 'connected' && this.lost(), CONNECT_TIMEOUT_MS);
  }

  private onConnection(pc: RTCPeerConnection): void {
    if (pc !== this.pc || !this.wanted) return;
    const s = pc.connectionState;
    if (s === 'connected') {
      clearTimeout(this.timer);
      this.lostSince = 0;
      this.attempts = 0;
      this.set('live');
    } else if (s === 'failed' || s === 'closed') this.lost();
    else if (s === 'disconnected') {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => pc === this.pc && pc.connectionState !== 'connected' && this.lost(), DISCONNECTED_GRACE_MS);
    }
  }

  /** The stream is gone: a new session, again and again, until it works or the window has passed. */
  private lost(): void {
    if (!this.wanted || this.state === 'reconnecting') return;
    this.lostSince ||= Date.now();
    this.set('reconnecting');
    void this.teardown(true); // not awaited: the retry is scheduled at once; teardown() never rejects (its DELETE is best effort, .catch'd)
    this.schedule(BACKOFF_MS[0]!);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.retry(), ms);
  }

  private async retry(): Promise<void> {
    if (!this.wanted) return;
    if (Date.now() - this.lostSince > this.o.reconnectWindowMs) {
      this.emit('error', new WhipError(0, '重连超时 · the stream could not be restored within the reconnect window'));
      await this.stop();
      return;
    }
    this.attempts++;
    try {
      await this.connect(); // 'connected' (→ live) or another loss follows
    } catch (e) {
      await this.teardown(false);
      const err = e instanceof WhipError ? e : new WhipError(0, String(e));
      if (!err.retryable && err.status !== 401) {
        this.emit('error', err);
        await this.stop();
        return;
      }
      this.schedule(BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)]!);
    }
  }

  /** Close the peer connection; with `release`, DELETE the session (best effort: the network may be down). */
  private async teardown(release: boolean): Promise<void> {
    const pc = this.pc;
    const loc = this.location;
    this.pc = null;
    this.location = null;
    pc?.close();
    if (release && loc) {
      const ctl = new AbortController();
      const t = setTimeout(() => ctl.abort(), 2000);
      await fetch(loc, { method: 'DELETE', headers: { Authorization: `Bearer ${this.token}` }, signal: ctl.signal }).catch(() => undefined);
      clearTimeout(t);
    }
  }
}

/** H.264 first (zhibo relays video without re-encoding and carries only H.264); RTX/RED/FEC kept after it. */
function preferH264(t: RTCRtpTransceiver): void {
  const codecs = RTCRtpSender.getCapabilities?.('video')?.codecs;
  if (!codecs || !t.setCodecPreferences) return;
  const h264 = codecs.filter((c) => /h264/i.test(c.mimeType)).sort((a, b) => rank(b) - rank(a));
  if (!h264.length) return;
  t.setCodecPreferences([...h264, ...codecs.filter((c) => /rtx|red|ulpfec/i.test(c.mimeType))]);
}
const rank = (c: RTCRtpCodec) =>
  (/packetization-mode=1/.test(c.sdpFmtpLine ?? '') ? 2 : 0) + (/profile-level-id=42e0/.test(c.sdpFmtpLine ?? '') ? 1 : 0);

function gathered(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => pc.iceGatheringState === 'complete' && done();
    const t = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
