/**
 * A WHIP test publisher built on werift: ffmpeg encodes a lavfi test source to H.264 and Opus RTP
 * on loopback UDP; werift sends those packets over a real ICE/DTLS/SRTP session negotiated by
 * POSTing an offer to the WHIP endpoint.
 */
import { createSocket, type Socket } from 'node:dgram';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, useNACK, usePLI } from 'werift';
import { spawnTracked, type Proc } from './helpers.js';

export interface WhipPushOptions {
  token?: string;
  audio?: boolean;
  /** 'testsrc' (default) or 'flash' (black video with a white flash and a 1 kHz beep in the first 100 ms of every second). */
  source?: 'testsrc' | 'flash';
  size?: string;
  fps?: number;
  gop?: number;
  bitrate?: string;
  /** Offer codecs (default H.264 + Opus). */
  videoCodec?: 'H264' | 'VP8';
  /** Connect but send no media. */
  noMedia?: boolean;
  /** Hide the offer's candidate addresses behind mDNS names (as browsers do): the server must learn them from our checks. */
  mdnsCandidates?: boolean;
  /** Drop every n-th video packet on the wire; with `retransmit` the NACKed retransmission gets through. */
  loss?: { every: number; retransmit: boolean };
}

export interface WhipPush {
  pc: RTCPeerConnection;
  answer: string;
  location: string;
  etag: string | null;
  ffmpeg: Proc;
  /** DELETE the session, then stop. */
  stop(): Promise<number>;
  /** Vanish without DELETE (close the peer connection and ffmpeg). */
  vanish(): Promise<void>;
}

async function udp(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}

export function testPeer(videoCodec: 'H264' | 'VP8' = 'H264'): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    codecs: {
      video: [
        videoCodec === 'H264'
          ? new RTCRtpCodecParameters({
              mimeType: 'video/H264',
              clockRate: 90000,
              rtcpFeedback: [useNACK(), usePLI()],
              parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
            })
          : new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: [useNACK(), usePLI()] }),
      ],
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
    },
  });
}

/** An offer with every candidate (werift test peer, sendonly video + audio). */
export async function testOffer(pc: RTCPeerConnection, audio = true): Promise<string> {
  pc.addTransceiver('video', { direction: 'sendonly' });
  if (audio) pc.addTransceiver('audio', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((r) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && r()));
  }
  return pc.localDescription!.sdp;
}

export async function postOffer(endpoint: string, sdp: string, token: string | null, contentType = 'application/sdp'): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': contentType };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  return fetch(endpoint, { method: 'POST', headers, body: sdp });
}

export async function whipPush(endpoint: string, opts: WhipPushOptions = {}): Promise<WhipPush> {
  const withAudio = opts.audio !== false;
  const pc = testPeer(opts.videoCodec);
  const vTrack = new MediaStreamTrack({ kind: 'video' });
  const aTrack = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(vTrack, { direction: 'sendonly' });
  if (withAudio) pc.addTransceiver(aTrack, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete')
    await new Promise<void>((r) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && r()));
  let offer = pc.localDescription!.sdp;
  if (opts.mdnsCandidates)
    offer = offer.replace(
      /^(a=candidate:\S+ \d+ udp \d+ )(\S+)/gm,
      (_m, head: string, ip: string) => `${head}${ip.replace(/\./g, '-')}-zhibo-test.local`,
    );
  const res = await postOffer(endpoint, offer, opts.token ?? 'secret');
  if (res.status !== 201) {
    await pc.close();
    throw new Error(`WHIP POST: ${res.status} ${await res.text()}`);
  }
  const location = new URL(res.headers.get('location')!, endpoint).toString();
  const answer = await res.text();
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('WHIP test client: not connected within 10 s')), 10_000);
    const check = (s: string) => s === 'connected' && (clearTimeout(timer), resolve());
    check(pc.connectionState);
    pc.connectionStateChange.subscribe(check);
  });
  if (opts.loss) dropVideo(pc, opts.loss);
  const [vSock, aSock] = [await udp(), await udp()];
  const forward = (track: MediaStreamTrack) => (buf: Buffer) => {
    const pt = buf[1]! & 0x7f;
    if (pt >= 72 && pt <= 76) return; // RTCP from ffmpeg
    track.writeRtp(buf);
  };
  vSock.on('message', forward(vTrack));
  aSock.on('message', forward(aTrack));
  const fps = opts.fps ?? 30;
  const size = opts.size ?? '320x240';
  const vPort = vSock.address().port;
  const aPort = aSock.address().port;
  const video =
    opts.source === 'flash'
      ? `color=c=black:s=${size}:r=${fps},drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t,1),0.1)'`
      : `testsrc=size=${size}:rate=${fps}`;
  const audio =
    opts.source === 'flash' ? "aevalsrc='if(lt(mod(t\\,1)\\,0.1)\\,sin(2*PI*1000*t)\\,0)':s=48000" : 'sine=frequency=440:sample_rate=48000';
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', video];
  if (withAudio) args.push('-re', '-f', 'lavfi', '-i', audio);
  args.push(
    '-map',
    '0:v',
    '-c:v',
    'libx264',
    '-profile:v',
    'baseline',
    '-pix_fmt',
    'yuv420p',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-g',
    String(opts.gop ?? fps),
    '-bf',
    '0',
    '-b:v',
    opts.bitrate ?? '600k',
    '-f',
    'rtp',
    '-payload_type',
    '96',
    `rtp://127.0.0.1:${vPort}?rtcpport=${vPort}&pkt_size=1200`,
  );
  if (withAudio) {
    args.push(
      '-map',
      '1:a',
      '-c:a',
      'libopus',
      '-b:a',
      '64k',
      '-ar',
      '48000',
      '-ac',
      '2',
      '-frame_duration',
      '20',
      '-f',
      'rtp',
      '-payload_type',
      '111',
      `rtp://127.0.0.1:${aPort}?rtcpport=${aPort}&pkt_size=1200`,
    );
  }
  const ffmpeg = spawnTracked(opts.noMedia ? 'true' : 'ffmpeg', opts.noMedia ? [] : args);
  const cleanup = async () => {
    try {
      process.kill(ffmpeg.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    await ffmpeg.exited;
    vSock.close();
    aSock.close();
    await pc.close();
  };
  let done = false;
  return {
    pc,
    answer,
    location,
    etag: res.headers.get('etag'),
    ffmpeg,
    async stop() {
      if (done) return 0;
      done = true;
      const r = await fetch(location, { method: 'DELETE', headers: { Authorization: `Bearer ${opts.token ?? 'secret'}` } });
      await cleanup();
      return r.status;
    },
    async vanish() {
      if (done) return;
      done = true;
      await cleanup();
    },
  };
}

/** Simulated loss after werift's send cache: the first transmission of every n-th video packet is dropped. */
function dropVideo(pc: RTCPeerConnection, loss: { every: number; retransmit: boolean }): void {
  const dtls = pc.dtlsTransports[0]!;
  const send = dtls.sendRtp.bind(dtls);
  const ssrc = pc.getTransceivers().find((t) => t.kind === 'video')!.sender.ssrc;
  const dropped = new Set<number>();
  let n = 0;
  dtls.sendRtp = (payload, header) => {
    if (header.ssrc === ssrc) {
      const seq = header.sequenceNumber;
      if (dropped.has(seq)) return loss.retransmit ? send(payload, header) : Promise.resolve(0);
      if (++n % loss.every === 0) {
        dropped.add(seq);
        return Promise.resolve(0);
      }
    }
    return send(payload, header);
  };
}
