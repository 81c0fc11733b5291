/** S-STATUS: the live status codes (values are WeChat's; only ever add). */
export const LiveStatus = {
  Live: 101,
  NotStarted: 102,
  Ended: 103,
  Banned: 104,
  Paused: 105,
  Abnormal: 106,
  Expired: 107,
} as const;
export type LiveStatus = (typeof LiveStatus)[keyof typeof LiveStatus];

export const ALL_STATUSES: readonly LiveStatus[] = [101, 102, 103, 104, 105, 106, 107];

export function isLiveStatus(n: unknown): n is LiveStatus {
  return typeof n === 'number' && (ALL_STATUSES as readonly number[]).includes(n);
}

export const STATUS_NAMES: Record<LiveStatus, string> = {
  101: 'live',
  102: 'not started',
  103: 'ended',
  104: 'banned',
  105: 'paused',
  106: 'abnormal',
  107: 'expired',
};

/** Why a room changed status. Stored with every transition (audit log). Values only ever added. */
export const TransitionCause = {
  PublishStarted: 'publish_started',
  StreamLost: 'stream_lost',
  AnchorEnded: 'anchor_ended',
  Paused: 'paused',
  Resumed: 'resumed',
  Banned: 'banned',
  AbnormalTimeout: 'abnormal_timeout',
  PlanExpired: 'plan_expired',
} as const;
export type TransitionCause = (typeof TransitionCause)[keyof typeof TransitionCause];

export const ALL_CAUSES: readonly TransitionCause[] = Object.values(TransitionCause);

export function isTransitionCause(s: unknown): s is TransitionCause {
  return typeof s === 'string' && (ALL_CAUSES as readonly string[]).includes(s);
}
