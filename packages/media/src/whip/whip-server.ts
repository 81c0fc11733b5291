/**
 * WHIP (RFC 9725) HTTP semantics, transport-neutral: handle({method, path, headers, body}) →
 * {status, headers, body}. Mount it on any HTTP server (createWhipNodeHandler for node:http).
 *
 *   POST   BASE/STREAM            application/sdp offer, Authorization: Bearer KEY → 201 answer + Location + ETag
 *   PATCH  BASE/STREAM/SESSION    application/trickle-ice-sdpfrag → 204 (ICE restart → 422)
 *   DELETE BASE/STREAM/SESSION    → 200, publishing ends ('deleted')
 *   OPTIONS either                → 204 + CORS, Accept-Post / Accept-Patch
 *
 * Authorisation is the media server's single gate (authorizePublish with app 'live', the stream
 * name and { key: BEARER }) and the one-publisher-per-stream rule, whatever the protocol.
 */
import type { Logger } from '../log.js';
import type { PublishHost, RefusalKind } from '../publish-host.js';
import { errorMessage } from '../errors.js';
import { checkOffer, parseSdpFrag, SdpError, summarizeSdp } from './sdp.js';
import { WhipSession } from './whip-session.js';
import type { PeerOptions } from './peer.js';

export interface WhipOptions extends PeerOptions {
  /** Where the endpoint is mounted. Default '/whip' (endpoint BASE/STREAM, sessions BASE/STREAM/SESSION). */
  path?: string;
  /** A session that has not delivered a video keyframe this long after the POST is closed ('timeout'). Default 15000. */
  mediaTimeoutMs?: number;
  /** Ask for a keyframe (PLI) when none came for this long. Default 2000. */
  keyframeIntervalMs?: number;
  /** How long a lost video packet is waited for (NACK retransmission). Default 200. */
  jitterMs?: number;
  /** AAC bitrate of the Opus→AAC transcode. Default '96k'. */
  audioBitrate?: string;
  /** Access-Control-Allow-Origin. Default '*'. */
  allowOrigin?: string;
  /** Largest offer / fragment accepted. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Most concurrent WHIP sessions (503 beyond). Default 200. */
  maxSessions?: number;
}

export interface WhipRequest {
  method: string;
  /** Request path (a query string is ignored). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | string;
  remoteAddress: string;
}

export interface WhipResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const STATUS_OF: Record<RefusalKind, number> = { unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409 };

/**
 * werift picks UDP ports by probing (bind, close, bind again); negotiations run one at a time in
 * this process — whatever the number of MediaServers — so two sessions never race for one port.
 */
let negotiations: Promise<unknown> = Promise.resolve();
function serially<T>(fn: () => Promise<T>): Promise<T> {
  const run = negotiations.then(fn);
  negotiations = run.catch(() => {});
  return run;
}
const NAME = /^[A-Za-z0-9_-]{1,128}$/;

export class WhipServer {
  private readonly sessions = new Map<string, WhipSession>();
  private readonly base: string;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly host: PublishHost,
    private readonly o: WhipOptions & { logger: Logger; ffmpegPath?: string; stallTimeoutMs: number },
  ) {
    this.base = (o.path ?? '/whip').replace(/\/+$/, '');
  }

  /** The mount path (e.g. '/whip'). */
  get path(): string {
    return this.base;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** A session by id (diagnostics, tests). */
  session(id: string): WhipSession | undefined {
    return this.sessions.get(id);
  }

  async handle(req: WhipRequest): Promise<WhipResponse> {
    const path = req.path.split('?')[0]!;
    if (!path.startsWith(`${this.base}/`)) return this.text(404, 'not a WHIP resource');
    const parts = path.slice(this.base.length + 1).split('/');
    const [stream, sessionId] = parts;
    if (parts.length > 2 || !stream || !NAME.test(stream) || (parts.length === 2 && !sessionId))
      return this.text(404, 'not a WHIP resource');
    const method = req.method.toUpperCase();
    try {
      if (sessionId === undefined) {
        if (method === 'OPTIONS')
          return this.reply(204, '', { 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Accept-Post': 'application/sdp' });
        if (method === 'POST') return await this.post(stream, req);
        return this.text(405, `${method} is not allowed on a WHIP endpoint`, { Allow: 'POST, OPTIONS' });
      }
      const s = this.sessions.get(sessionId);
      if (method === 'OPTIONS')
        return this.reply(204, '', {
          'Access-Control-Allow-Methods': 'PATCH, DELETE, OPTIONS',
          'Accept-Patch': 'application/trickle-ice-sdpfrag',
        });
      if (method !== 'DELETE' && method !== 'PATCH')
        return this.text(405, `${method} is not allowed on a WHIP session`, { Allow: 'PATCH, DELETE, OPTIONS' });
      if (!s || s.streamName !== stream || s.endReason !== null) return this.text(404, 'no such WHIP session');
      const token = bearer(req.headers);
      if (token !== null && !s.matchesToken(token))
        return this.text(401, 'the token does not match this session', { 'WWW-Authenticate': 'Bearer' });
      if (method === 'DELETE') {
        s.end('deleted');
        return this.reply(200, '');
      }
      return await this.patch(s, req);
    } catch (e) {
      this.o.logger.error(`media: whip ${method} ${path}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return this.text(500, 'internal error');
    }
  }

  private async post(stream: string, req: WhipRequest): Promise<WhipResponse> {
    const accept = { 'Accept-Post': 'application/sdp' };
    if (mediaType(req.headers) !== 'application/sdp')
      return this.text(415, 'the offer must be sent as Content-Type: application/sdp', accept);
    const token = bearer(req.headers);
    if (!token) return this.text(401, 'missing "Authorization: Bearer <stream key>"', { 'WWW-Authenticate': 'Bearer' });
    const body = typeof req.body === 'string' ? req.body : req.body.toString('utf8');
    if (Buffer.byteLength(body) > (this.o.maxBodyBytes ?? 65536)) return this.text(413, 'offer too large');
    let offer;
    try {
      offer = summarizeSdp(body);
      checkOffer(offer);
    } catch (e) {
      if (e instanceof SdpError) return this.text(e.status, e.message);
      throw e;
    }
    if (this.closing || this.host.isClosing()) return this.text(503, 'server closing');
    if (this.sessions.size >= (this.o.maxSessions ?? 200)) return this.text(503, 'too many WHIP sessions', { 'Retry-After': '10' });
    const auth = await this.host.authorize(
      { app: 'live', streamName: stream, query: { key: token }, remoteAddress: req.remoteAddress },
      'whip',
    );
    if (!auth.ok) return this.text(STATUS_OF[auth.kind], auth.reason, auth.kind === 'unauthorized' ? { 'WWW-Authenticate': 'Bearer' } : {});
    const s = new WhipSession({
      ...this.o,
      streamId: auth.streamId,
      streamName: stream,
      token,
      remoteAddress: req.remoteAddress,
      offer,
      host: this.host,
      mediaTimeoutMs: this.o.mediaTimeoutMs ?? 15_000,
      keyframeIntervalMs: this.o.keyframeIntervalMs ?? 2000,
      jitterMs: this.o.jitterMs ?? 200,
      onClosed: (x) => this.sessions.get(x.id) === x && this.sessions.delete(x.id),
    });
    if (this.closing || !this.host.reserve(auth.streamId, s)) {
      await s.discard();
      return this.text(this.closing ? 503 : 409, this.closing ? 'server closing' : `stream ${auth.streamId} is already being published`);
    }
    this.sessions.set(s.id, s);
    let answer: string;
    try {
      answer = await serially(() => s.negotiate(body));
    } catch (e) {
      s.end('error', `negotiation failed: ${errorMessage(e)}`);
      return this.text(400, `the offer could not be negotiated: ${errorMessage(e)}`);
    }
    if (!/^a=candidate:/m.test(answer)) {
      s.end('error', 'no UDP port free for ICE');
      this.o.logger.warn(
        `media: whip ${auth.streamId}: no UDP port free${this.o.udpPortRange ? ` in ${this.o.udpPortRange.join('-')}` : ''}; refusing the publisher`,
      );
      return this.text(503, 'no UDP port free for the WebRTC session; try again later', { 'Retry-After': '10' });
    }
    if (s.endReason !== null)
      return this.text(s.endReason === 'kicked' ? 403 : 503, `publishing ended during negotiation (${s.endReason})`);
    this.o.logger.info(`media: whip ${auth.streamId}: session ${s.id} from ${req.remoteAddress} negotiated`);
    return this.reply(201, answer, {
      'Content-Type': 'application/sdp',
      Location: `${this.base}/${stream}/${s.id}`,
      ETag: s.etag,
      'Accept-Patch': 'application/trickle-ice-sdpfrag',
    });
  }

  private async patch(s: WhipSession, req: WhipRequest): Promise<WhipResponse> {
    if (mediaType(req.headers) !== 'application/trickle-ice-sdpfrag') {
      return this.text(415, 'PATCH takes Content-Type: application/trickle-ice-sdpfrag', {
        'Accept-Patch': 'application/trickle-ice-sdpfrag',
      });
    }
    const ifMatch = header(req.headers, 'if-match');
    if (ifMatch && ifMatch !== '*' && ifMatch !== s.etag) return this.text(412, 'If-Match does not match the session ETag');
    let frag;
    try {
      frag = parseSdpFrag(typeof req.body === 'string' ? req.body : req.body.toString('utf8'));
    } catch (e) {
      if (e instanceof SdpError) return this.text(400, e.message);
      throw e;
    }
    if (ifMatch === '*' || (frag.ufrag !== null && frag.ufrag !== s.iceUfrag) || (frag.pwd !== null && frag.pwd !== s.icePwd)) {
      return this.text(422, 'ICE restarts are not supported; start a new session (DELETE, then POST)');
    }
    await s.addCandidates(frag);
    return this.reply(204, '');
  }

  private reply(status: number, body: string, headers: Record<string, string> = {}): WhipResponse {
    return {
      status,
      headers: {
        'Access-Control-Allow-Origin': this.o.allowOrigin ?? '*',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match',
        'Access-Control-Expose-Headers': 'Location, ETag, Accept-Patch, Accept-Post, Link',
        'Access-Control-Max-Age': '86400',
        'Cache-Control': 'no-store',
        ...headers,
      },
      body,
    };
  }

  private text(status: number, message: string, headers: Record<string, string> = {}): WhipResponse {
    return this.reply(status, `${message}\n`, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  }

  /** Idempotent: end every session ('socket_closed') and wait until their sockets and ffmpeg are gone. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await negotiations;
      const all = [...this.sessions.values()];
      for (const s of all) s.end('socket_closed', 'server closing');
      await Promise.all(all.map((s) => s.done));
    })();
    return this.closing;
  }
}

function header(h: WhipRequest['headers'], name: string): string | null {
  const v = h[name] ?? h[name.toLowerCase()] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

function mediaType(h: WhipRequest['headers']): string {
  return (header(h, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The token of "Authorization: Bearer TOKEN", or null. */
function bearer(h: WhipRequest['headers']): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header(h, 'authorization') ?? '');
  return m ? m[1]! : null;
}
