/** WHIP units: A/V timeline from RTP clocks and RTCP sender reports, the A/V interleaver, SDP handling. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AvSync, ntpToMs } from '../src/whip/av-sync.js';
import { Interleaver } from '../src/whip/interleaver.js';
import { buildTag, TAG_AUDIO, TAG_VIDEO, TagKind } from '../src/flv/tag.js';
import { checkOffer, parseSdpFrag, prepareOffer, rewriteCandidates, SdpError, summarizeSdp, usableCandidate } from '../src/whip/sdp.js';

/** NTP 64-bit value of a ms time (seconds since 1900 . fraction/2^32). */
const ntp = (ms: number) => (BigInt(Math.floor(ms / 1000)) << 32n) | BigInt(Math.round(((ms % 1000) / 1000) * 0x100000000));
const NTP0 = 3_900_000_000_000; // some NTP-era ms

describe('AvSync', () => {
  it('ntpToMs reads seconds and a 2^32 fraction', () => {
    expect(ntpToMs(ntp(NTP0 + 250))).toBeCloseTo(NTP0 + 250, 3);
  });

  it('each track is timed by its RTP clock from its first packet; 32-bit timestamps unwrap', () => {
    let now = 1000;
    const s = new AvSync(() => now);
    const v0 = s.packet(s.video, 0xffff_ff00);
    expect(s.flvTime(s.video, v0)).toBe(0);
    now = 1500;
    const v1 = s.packet(s.video, 0xffff_ff00 + 90_000 * 2 - 0x1_0000_0000); // 2 s later, wrapped
    expect(s.flvTime(s.video, v1)).toBe(2000);
  });

  it('sender reports of both tracks align audio to video even when their first packets arrived 80 ms apart', () => {
    let now = 10_000;
    const s = new AvSync(() => now);
    // Both captured at sender time NTP0; video rtp 1000, audio rtp 5000. Audio's first packet arrives 80 ms later.
    s.packet(s.video, 1000);
    now += 80;
    s.packet(s.audio, 5000);
    expect(s.flvTime(s.audio, 5000) - s.flvTime(s.video, 1000)).toBe(80); // arrival-based: 80 ms off
    for (let i = 0; i < 2; i++) {
      s.senderReport(s.video, ntp(NTP0 + 1000 * i), 1000 + 90_000 * i);
      s.senderReport(s.audio, ntp(NTP0 + 1000 * i), 5000 + 48_000 * i);
    }
    expect(s.video.srUsed).toBe(1);
    expect(s.audio.srUsed).toBe(1);
    expect(Math.abs(s.flvTime(s.audio, 5000 + 48_000 * 3) - s.flvTime(s.video, 1000 + 90_000 * 3))).toBeLessThanOrEqual(1);
  });

  it('sender reports whose NTP does not advance with the RTP clock are refused and change nothing', () => {
    let now = 0;
    const s = new AvSync(() => now);
    s.packet(s.video, 0);
    now = 40;
    s.packet(s.audio, 0);
    // werift-style broken NTP fraction: a second later by RTP, 0.4 s by NTP
    s.senderReport(s.audio, ntp(NTP0), 0);
    expect(s.senderReport(s.audio, ntp(NTP0 + 400), 48_000)).toBe(0);
    expect(s.audio.srRefused).toBe(1);
    expect(s.flvTime(s.audio, 48_000)).toBe(1040);
  });
});

describe('Interleaver', () => {
  afterEach(() => vi.useRealTimers());
  const tag = (type: number, ts: number) => buildTag(type, ts, Buffer.from([0]));

  it('merges audio and video by timestamp, holding a track at most maxDelayMs for the other', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const m = new Interleaver({ maxDelayMs: 300, emit: (t, k) => out.push(`${k === TagKind.Audio ? 'a' : 'v'}${t.readUIntBE(4, 3)}`) });
    m.push('video', tag(TAG_VIDEO, 0), TagKind.VideoKey, 0);
    m.push('video', tag(TAG_VIDEO, 33), TagKind.Video, 33);
    expect(out).toEqual([]);
    m.push('audio', tag(TAG_AUDIO, 10), TagKind.Audio, 10);
    m.push('audio', tag(TAG_AUDIO, 40), TagKind.Audio, 40);
    expect(out).toEqual(['v0', 'a10', 'v33']);
    vi.advanceTimersByTime(300); // no more video: audio goes on its own
    expect(out).toEqual(['v0', 'a10', 'v33', 'a40']);
  });

  it('does not wait for a track that is not expected, and makes each track non-decreasing', () => {
    const out: number[] = [];
    const m = new Interleaver({ maxDelayMs: 10_000, emit: (t) => out.push(t.readUIntBE(4, 3)) });
    m.setExpected('audio', false);
    m.push('video', tag(TAG_VIDEO, 100), TagKind.Video, 100);
    m.push('video', tag(TAG_VIDEO, 90), TagKind.Video, 90);
    expect(out).toEqual([100, 100]);
    m.close();
  });
});

const CHROME_LIKE = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
  'a=mid:0',
  'a=sendonly',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:0123456789abcdefghijkl',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:0 PCMU/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 98',
  'a=mid:1',
  'a=sendonly',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f',
  'a=rtpmap:103 H264/90000',
  'a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f',
  'a=rtpmap:104 H264/90000',
  'a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=rtpmap:98 VP9/90000',
  '',
].join('\r\n');

describe('WHIP SDP handling', () => {
  it('an offer with H.264 among other codecs passes; prepareOffer puts constrained baseline, packetization-mode 1 first', () => {
    expect(() => checkOffer(summarizeSdp(CHROME_LIKE))).not.toThrow();
    const maps = prepareOffer(CHROME_LIKE)
      .split('\r\n')
      .filter((l) => l.startsWith('a=rtpmap:') && !l.includes('opus') && !l.includes('PCMU'));
    expect(maps.map((l) => l.split(' ')[0])).toEqual([
      'a=rtpmap:104',
      'a=rtpmap:103',
      'a=rtpmap:102',
      'a=rtpmap:96',
      'a=rtpmap:97',
      'a=rtpmap:98',
    ]);
  });

  it('bundle-only sections (port 0) count as sending and get port 9 for negotiation', () => {
    const gst = CHROME_LIKE.replace('m=audio 9 ', 'm=audio 0 ').replace('a=mid:0', 'a=mid:0\r\na=bundle-only');
    expect(summarizeSdp(gst).media[0]).toMatchObject({ port: 0, bundleOnly: true });
    expect(prepareOffer(gst)).toContain('m=audio 9 UDP/TLS/RTP/SAVPF 111 0');
  });

  it('refuses: not SDP (400), no video (406), VP8/VP9 only (406 naming them), no Opus (406)', () => {
    const err = (sdp: string) => {
      try {
        checkOffer(summarizeSdp(sdp));
        return null;
      } catch (e) {
        return e as SdpError;
      }
    };
    expect(err('garbage')).toMatchObject({ status: 400 });
    expect(err(CHROME_LIKE.replace(/m=video[\s\S]*$/, ''))).toMatchObject({ status: 406, message: expect.stringMatching(/no video/) });
    const vp = err(CHROME_LIKE.replace(/a=rtpmap:\d+ H264\/90000\r\n/g, ''));
    expect(vp).toMatchObject({ status: 406, message: expect.stringMatching(/no H\.264 video \(it offers VP8, VP9\)/) });
    expect(err(CHROME_LIKE.replace('a=rtpmap:111 opus/48000/2\r\n', ''))).toMatchObject({
      status: 406,
      message: expect.stringMatching(/no Opus/),
    });
  });

  it('remote mDNS (.local), TCP and IPv6 candidates and end-of-candidates are dropped before werift sees them; UDP IPv4 ones stay', () => {
    expect(usableCandidate('candidate:1 1 udp 2122260223 192.168.1.20 53421 typ host generation 0')).toBe(true);
    expect(usableCandidate('candidate:2 1 udp 2122260223 6f1c2b1a-1111-2222-3333-444455556666.local 53421 typ host')).toBe(false);
    expect(usableCandidate('candidate:3 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active')).toBe(false);
    expect(usableCandidate('candidate:4 1 udp 2122262783 2001:db8::1 53422 typ host')).toBe(false);
    const offer = CHROME_LIKE.replace(
      'a=mid:1',
      'a=mid:1\r\na=candidate:2 1 udp 2122260223 abc.local 53421 typ host\r\na=candidate:1 1 udp 2122260223 192.168.1.20 53421 typ host\r\na=end-of-candidates',
    );
    const prepared = prepareOffer(offer);
    expect(prepared).toContain('192.168.1.20 53421');
    expect(prepared).not.toContain('.local');
    expect(prepared).not.toContain('end-of-candidates');
  });

  it('rewriteCandidates keeps only the bound address and can announce another', () => {
    const sdp =
      'm=video 9 X 96\r\na=candidate:1 1 udp 2130706431 10.0.0.5 40000 typ host\r\na=candidate:2 1 udp 2130706431 172.17.0.1 40001 typ host\r\n';
    expect(rewriteCandidates(sdp, { onlyAddress: '10.0.0.5' })).toBe(
      'm=video 9 X 96\r\na=candidate:1 1 udp 2130706431 10.0.0.5 40000 typ host\r\n',
    );
    expect(rewriteCandidates(sdp, { onlyAddress: '10.0.0.5', announcedIp: '203.0.113.7' })).toContain(' 203.0.113.7 40000 typ host');
  });

  it('parseSdpFrag reads ufrag, pwd, candidates per m-section and refuses garbage', () => {
    const f = parseSdpFrag(
      'a=ice-ufrag:u\r\na=ice-pwd:p\r\nm=audio 9 X 0\r\na=mid:0\r\na=candidate:1 1 udp 1 192.0.2.1 5000 typ host\r\nm=video 9 X 0\r\na=mid:1\r\na=candidate:2 1 udp 1 192.0.2.1 5001 typ host\r\na=end-of-candidates\r\n',
    );
    expect(f).toMatchObject({ ufrag: 'u', pwd: 'p', endOfCandidates: true });
    expect(f.candidates.map((c) => [c.mid, c.mLineIndex])).toEqual([
      ['0', 0],
      ['1', 1],
    ]);
    expect(() => parseSdpFrag('a=candidate:nonsense')).toThrow(SdpError);
  });
});
