/** Tuning of the real-time gateway (docs/realtime.md "Tuning"). */
import { RealtimeLimits } from '@zhibo/protocol';

export interface RealtimeOptions {
  /** likes and viewer counts are merged and sent once per tick */
  tickMs: number;
  /** WebSocket ping interval; a socket that misses one pong is terminated */
  heartbeatMs: number;
  helloTimeoutMs: number;
  /** over this many buffered bytes a socket gets only essential messages */
  softLimitBytes: number;
  /** over this many buffered bytes a socket is closed with 3001 at once */
  hardLimitBytes: number;
  /** a socket over the soft limit for this long is closed with 3001 */
  slowGraceMs: number;
  /** a socket that does not finish its close handshake in this time is destroyed */
  closeGraceMs: number;
  /** an empty room channel is kept this long before it is dropped */
  lingerMs: number;
  recentComments: number;
  chatBurst: number;
  chatWindowMs: number;
  /** like taps counted per viewer (openid) and second (the rest are dropped) */
  likesPerSec: number;
  /** chat messages per client address (IPv4, IPv6 /64) and room per chatWindowMs, whatever the device ids (0: no limit) */
  chatPerIp: number;
  /** like taps counted per client address and room per second (0: no limit) */
  likesPerSecPerIp: number;
  /** open WebSocket connections per client address (0: no limit); more are refused with 429 */
  connectionsPerIp: number;
  /** how long a mute also covers new anonymous device ids from the muted viewer's address in that room (0: off) */
  muteByIpMs: number;
  /** frames per connection and fixed window of frameWindowMs; more closes with 3503 */
  framesPerWindow: number;
  frameWindowMs: number;
  /** comments shown per room and tick (chat_batch; remote comments for chat clients); more are stored, not shown */
  chatDisplayPerTick: number;
  /** cluster mode: how long after a tick the nodes' batches are presented to viewers */
  presentDelayMs: number;
}

export const REALTIME_DEFAULTS: RealtimeOptions = {
  tickMs: 200,
  heartbeatMs: 25_000,
  helloTimeoutMs: 10_000,
  softLimitBytes: 256 * 1024,
  hardLimitBytes: 1024 * 1024,
  slowGraceMs: 10_000,
  closeGraceMs: 5_000,
  lingerMs: 30_000,
  recentComments: RealtimeLimits.recentComments,
  chatBurst: RealtimeLimits.chatBurst,
  chatWindowMs: RealtimeLimits.chatWindowMs,
  likesPerSec: 20,
  chatPerIp: 30,
  likesPerSecPerIp: 200,
  connectionsPerIp: 200,
  muteByIpMs: 3_600_000,
  framesPerWindow: 40,
  frameWindowMs: 2_000,
  chatDisplayPerTick: 20,
  presentDelayMs: 30,
};
