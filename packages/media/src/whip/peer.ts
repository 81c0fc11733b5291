/**
 * The werift side of a WHIP session: a receive-only RTCPeerConnection configured for zhibo
 * (H.264 + RTX with NACK/PLI/FIR/TWCC, Opus; no STUN/TURN servers; host candidates on a UDP port
 * range), and the offer → answer exchange with all candidates gathered (no server-side trickle).
 */
import { RTCPeerConnection, RTCRtpCodecParameters, useFIR, useNACK, usePLI, useTWCC, useSdesMid, useTransportWideCC } from 'werift';

export interface PeerOptions {
  /** UDP ports for ICE (inclusive). Default: any free port. */
  udpPortRange?: [number, number];
  /** Bind and gather on this address only (e.g. the public interface, or 127.0.0.1 in tests). */
  bindAddress?: string;
  /** Advertise this address in the answer instead of the local one (1:1 NAT, containers). */
  announcedIp?: string;
  /** Answer as an ICE-lite agent (the publisher does all connectivity checks). Default false. */
  iceLite?: boolean;
}

export function createPeer(o: PeerOptions): RTCPeerConnection {
  const fb = () => [useNACK(), usePLI(), useFIR(), useTWCC()];
  return new RTCPeerConnection({
    iceServers: [], // never a public STUN server: host candidates (and announcedIp) only — see answerOffer()
    iceUseIpv4: true,
    iceUseIpv6: false,
    iceLite: o.iceLite ?? false,
    bundlePolicy: 'max-bundle',
    ...(o.udpPortRange ? { icePortRange: o.udpPortRange } : {}),
    ...(o.bindAddress ? { iceInterfaceAddresses: { udp4: o.bindAddress }, iceAdditionalHostAddresses: [o.bindAddress] } : {}),
    codecs: {
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/H264',
          clockRate: 90000,
          rtcpFeedback: fb(),
          parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
        }),
        new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000 }),
      ],
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
    },
    headerExtensions: { video: [useSdesMid(), useTransportWideCC()], audio: [useSdesMid()] },
  });
}

/** setRemoteDescription(offer) → answer with every local candidate (gathering bounded by timeoutMs). */
export async function answerOffer(pc: RTCPeerConnection, offer: string, timeoutMs = 5000): Promise<string> {
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  // werift-ice falls back to stun.l.google.com when no STUN server is configured (iceServers: [] is
  // not enough); a full-ICE answerer would query it while gathering. Never: host candidates only.
  for (const t of pc.iceTransports) t.connection.stunServer = undefined;
  await pc.setLocalDescription(await pc.createAnswer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const sub = pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && done());
      function done() {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      }
    });
  }
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('no local description');
  return sdp;
}
