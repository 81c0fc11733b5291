/**
 * The little SDP handling WHIP needs on top of werift: check an offer before negotiating (garbage →
 * 400, no H.264 / no Opus → 406), prefer H.264 packetization-mode 1 (constrained baseline first),
 * filter/rewrite the answer's host candidates, and parse trickle-ICE SDP fragments (PATCH).
 */
import { MediaError } from '../errors.js';

/** An offer we refuse; `status` is the HTTP status (400 malformed, 406 unsupported codecs). */
export class SdpError extends MediaError {
  constructor(
    message: string,
    readonly status: 400 | 406,
  ) {
    super(message, 'whip_sdp');
  }
}

export interface SdpCodec {
  pt: number;
  name: string;
  clock: number;
  fmtp: Record<string, string>;
}
export interface SdpMedia {
  kind: string;
  port: number;
  direction: string;
  codecs: SdpCodec[];
  mid: string | null;
  bundleOnly: boolean;
}
export interface SdpSummary {
  media: SdpMedia[];
  iceUfrag: string | null;
  icePwd: string | null;
}

const LINE = /^[a-z]=.*$/;
const M_LINE = /^m=(\w+) (\d+)(?:\/\d+)? ([\w/]+)((?: [\w.-]+)+)$/;
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

function splitLines(sdp: string): string[] {
  return sdp.split(/\r?\n/).filter((l) => l.length > 0);
}

function parseFmtp(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of s.split(';')) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i).trim().toLowerCase()] = kv.slice(i + 1).trim();
  }
  return out;
}

/** Parse the parts of an SDP offer we judge it by. Throws SdpError(400) for anything that is not SDP. */
export function summarizeSdp(sdp: string): SdpSummary {
  const lines = splitLines(sdp);
  if (lines[0] !== 'v=0') throw new SdpError('not an SDP offer: it must start with "v=0"', 400);
  const media: SdpMedia[] = [];
  let ufrag: string | null = null;
  let pwd: string | null = null;
  let cur: SdpMedia | null = null;
  const byPt = new Map<number, SdpCodec>();
  for (const l of lines) {
    if (!LINE.test(l)) throw new SdpError(`not an SDP offer: bad line ${JSON.stringify(l.slice(0, 60))}`, 400);
    if (l.startsWith('m=')) {
      const m = M_LINE.exec(l);
      if (!m) throw new SdpError(`not an SDP offer: bad media line ${JSON.stringify(l.slice(0, 60))}`, 400);
      cur = { kind: m[1]!, port: Number(m[2]), direction: 'sendrecv', codecs: [], mid: null, bundleOnly: false };
      media.push(cur);
      byPt.clear();
      continue;
    }
    if (!l.startsWith('a=')) continue;
    const a = l.slice(2);
    if (a.startsWith('ice-ufrag:')) {
      if (cur === null || ufrag === null) ufrag = a.slice(10);
    } else if (a.startsWith('ice-pwd:')) {
      if (cur === null || pwd === null) pwd = a.slice(8);
    } else if (cur && a.startsWith('mid:')) cur.mid = a.slice(4);
    else if (cur && DIRECTIONS.has(a)) cur.direction = a;
    else if (cur && a === 'bundle-only') cur.bundleOnly = true;
    else if (cur && a.startsWith('rtpmap:')) {
      const m = /^rtpmap:(\d+) ([\w.-]+)\/(\d+)/.exec(a);
      if (!m) throw new SdpError(`not an SDP offer: bad rtpmap ${JSON.stringify(a.slice(0, 60))}`, 400);
      const c: SdpCodec = { pt: Number(m[1]), name: m[2]!.toLowerCase(), clock: Number(m[3]), fmtp: byPt.get(Number(m[1]))?.fmtp ?? {} };
      byPt.set(c.pt, c);
      cur.codecs.push(c);
    } else if (cur && a.startsWith('fmtp:')) {
      const m = /^fmtp:(\d+) (.*)$/.exec(a);
      if (m) {
        const fmtp = parseFmtp(m[2]!);
        const c = byPt.get(Number(m[1]));
        if (c) c.fmtp = fmtp;
        else byPt.set(Number(m[1]), { pt: Number(m[1]), name: '', clock: 0, fmtp });
      }
    }
  }
  if (media.length === 0) throw new SdpError('not an SDP offer: no media (m=) line', 400);
  return { media, iceUfrag: ufrag, icePwd: pwd };
}

/**
 * What zhibo can take: exactly one active video section offering H.264 and at most one audio
 * section offering Opus (other sections, e.g. data channels, are left to negotiation).
 */
/** A section that sends media: a port (or port 0 with a=bundle-only, RFC 8843) and sendonly/sendrecv. */
export function sendsMedia(m: SdpMedia): boolean {
  return (m.port !== 0 || m.bundleOnly) && (m.direction === 'sendonly' || m.direction === 'sendrecv');
}

export function checkOffer(s: SdpSummary): void {
  const video = s.media.filter((m) => m.kind === 'video' && sendsMedia(m));
  const audio = s.media.filter((m) => m.kind === 'audio' && sendsMedia(m));
  if (video.length === 0) throw new SdpError('the offer sends no video; zhibo needs H.264 video (and Opus audio)', 406);
  if (video.length > 1 || audio.length > 1)
    throw new SdpError(
      `the offer has ${video.length} video and ${audio.length} audio sections; zhibo takes one video (H.264) and at most one audio (Opus)`,
      406,
    );
  const names = (m: SdpMedia) => [
    ...new Set(m.codecs.map((c) => c.name).filter((n) => !['rtx', 'red', 'ulpfec', 'flexfec-03'].includes(n))),
  ];
  if (!video[0]!.codecs.some((c) => c.name === 'h264')) {
    throw new SdpError(
      `the offer has no H.264 video (it offers ${names(video[0]!).join(', ').toUpperCase() || 'nothing'}); zhibo relays video without re-encoding and needs H.264 — choose H.264 in the encoder settings`,
      406,
    );
  }
  if (audio[0] && !audio[0].codecs.some((c) => c.name === 'opus')) {
    throw new SdpError(
      `the offer has no Opus audio (it offers ${names(audio[0]).join(', ').toUpperCase() || 'nothing'}); zhibo needs Opus`,
      406,
    );
  }
}

/** Rank of an H.264 format: packetization-mode 1 first, constrained baseline before baseline, main, high. */
function h264Rank(c: SdpCodec): number {
  const mode = c.fmtp['packetization-mode'] === '1' ? 0 : 10;
  const p = (c.fmtp['profile-level-id'] ?? '42e01f').toLowerCase();
  const profile = p.startsWith('42e0')
    ? 0
    : p.startsWith('4200') || p.startsWith('42c0')
      ? 1
      : p.startsWith('4d')
        ? 2
        : p.startsWith('64')
          ? 3
          : 4;
  return mode + profile;
}

/**
 * A remote candidate werift should use: UDP with an IPv4 literal. mDNS names (`….local`) would make
 * werift open a multicast socket and query the server's LAN; the peer's connectivity checks reveal
 * its address anyway (peer-reflexive). TCP and IPv6 candidates are not used (UDP/IPv4 only).
 */
export function usableCandidate(candidate: string): boolean {
  const m = /^candidate:\S+ \d+ (\S+) \d+ (\S+) \d+ typ/i.exec(candidate);
  return !!m && m[1]!.toLowerCase() === 'udp' && /^\d{1,3}(\.\d{1,3}){3}$/.test(m[2]!);
}

/**
 * Make an offer digestible for werift: keep only usable remote candidates (usableCandidate) and
 * drop a=end-of-candidates — with no usable candidate left (mDNS only, or none yet) werift would
 * declare ICE failed at once, while the publisher's own checks still find the path (peer-reflexive);
 * a session that never connects ends after mediaTimeoutMs instead. Also reorder the video
 * section's rtpmap lines (werift keeps the remote's rtpmap order, and the sender uses the first
 * codec of the answer) so the best H.264 comes first, and give bundle-only sections (port 0 +
 * a=bundle-only, as GStreamer's webrtcbin sends) the usual port 9 — werift would treat port 0 as
 * rejected.
 */
export function prepareOffer(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!lines[i]!.startsWith('m=')) {
      out.push(lines[i++]!);
      continue;
    }
    let j = i + 1;
    while (j < lines.length && !lines[j]!.startsWith('m=')) j++;
    let sec = lines
      .slice(i, j)
      .filter((l) => (!l.startsWith('a=candidate:') || usableCandidate(l.slice(2))) && l !== 'a=end-of-candidates');
    if (sec.includes('a=bundle-only')) sec[0] = sec[0]!.replace(/^(m=\w+) 0 /, '$1 9 ');
    if (sec[0]!.startsWith('m=video')) sec = reorderSection(sec);
    out.push(...sec);
    i = j;
  }
  return out.join(eol);
}

function reorderSection(sec: string[]): string[] {
  const s = summarizeSdp(['v=0', ...sec.filter((l) => l.length > 0)].join('\n')).media[0]!;
  const rank = (pt: number) => {
    const c = s.codecs.find((x) => x.pt === pt);
    return c?.name === 'h264' ? h264Rank(c) : 100;
  };
  const rtpmaps = sec.filter((l) => l.startsWith('a=rtpmap:'));
  const sorted = [...rtpmaps].sort((a, b) => rank(Number(/^a=rtpmap:(\d+)/.exec(a)![1])) - rank(Number(/^a=rtpmap:(\d+)/.exec(b)![1])));
  let k = 0;
  return sec.map((l) => (l.startsWith('a=rtpmap:') ? sorted[k++]! : l));
}

/**
 * The answer's candidates: with `onlyAddress`, keep only host candidates on that address; with
 * `announcedIp`, advertise that address instead (1:1 NAT, containers). Duplicates are dropped.
 */
export function rewriteCandidates(sdp: string, opts: { onlyAddress?: string; announcedIp?: string }): string {
  if (!opts.onlyAddress && !opts.announcedIp) return sdp;
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const seen = new Set<string>();
  const out: string[] = [];
  for (const l of sdp.split(/\r?\n/)) {
    if (l.startsWith('m=')) seen.clear();
    const m = /^a=candidate:(\S+) (\d+) (\S+) (\d+) (\S+) (\d+) (.*)$/.exec(l);
    if (!m) {
      out.push(l);
      continue;
    }
    if (opts.onlyAddress && m[5] !== opts.onlyAddress) continue;
    const addr = opts.announcedIp ?? m[5]!;
    const key = `${m[3]} ${addr} ${m[6]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`a=candidate:${m[1]} ${m[2]} ${m[3]} ${m[4]} ${addr} ${m[6]} ${m[7]}`);
  }
  return out.join(eol);
}

export interface SdpFragCandidate {
  candidate: string;
  mid: string | null;
  mLineIndex: number;
}
export interface SdpFrag {
  ufrag: string | null;
  pwd: string | null;
  candidates: SdpFragCandidate[];
  endOfCandidates: boolean;
}

/** Parse an application/trickle-ice-sdpfrag body (RFC 8840). Throws SdpError(400) for garbage. */
export function parseSdpFrag(text: string): SdpFrag {
  const frag: SdpFrag = { ufrag: null, pwd: null, candidates: [], endOfCandidates: false };
  let mid: string | null = null;
  let index = 0;
  let sections = 0;
  for (const l of splitLines(text)) {
    if (!LINE.test(l)) throw new SdpError(`not an SDP fragment: bad line ${JSON.stringify(l.slice(0, 60))}`, 400);
    if (l.startsWith('m=')) {
      index = sections++;
      mid = null;
    } else if (l.startsWith('a=mid:')) mid = l.slice(6);
    else if (l.startsWith('a=ice-ufrag:')) frag.ufrag = l.slice(12);
    else if (l.startsWith('a=ice-pwd:')) frag.pwd = l.slice(10);
    else if (l === 'a=end-of-candidates') frag.endOfCandidates = true;
    else if (l.startsWith('a=candidate:')) {
      if (!/^a=candidate:\S+ \d+ \S+ \d+ \S+ \d+ typ \S+/.test(l))
        throw new SdpError(`bad candidate ${JSON.stringify(l.slice(0, 80))}`, 400);
      frag.candidates.push({ candidate: l.slice(2), mid, mLineIndex: index });
    }
  }
  return frag;
}
