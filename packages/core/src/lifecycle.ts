/**
 * S-STATUS: the room lifecycle as a pure transition function.
 * No I/O, no clock: the caller supplies the current status and the cause, and
 * stores the outcome (status + audit row + timers) in one transaction.
 */
import { LiveStatus, TransitionCause } from '@zhibo/protocol';

/** Why a transition was refused. Values only ever added. */
export const RefusalReason = {
  /** 103 and 107 (and 104) are final: nothing leaves them. */
  FinalStatus: 'final_status',
  /** a banned room can not go live (S-STATUS-7) */
  Banned: 'banned',
  /** an expired room can not go live (S-STATUS-5) */
  Expired: 'expired',
  /** the cause does not apply to the current status (e.g. resume a room that is not paused) */
  NotAllowed: 'not_allowed',
} as const;
export type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];

export type TransitionResult =
  | { kind: 'changed'; from: LiveStatus; to: LiveStatus; cause: TransitionCause }
  /** the cause is valid but changes nothing (e.g. the stream reconnects while paused: it stays 105) */
  | { kind: 'unchanged'; status: LiveStatus; cause: TransitionCause }
  | { kind: 'refused'; status: LiveStatus; cause: TransitionCause; reason: RefusalReason; message: string };

const S = LiveStatus;
const C = TransitionCause;

/** 103 ended, 104 banned, 107 expired: nothing leaves them. */
export const FINAL_STATUSES: ReadonlySet<LiveStatus> = new Set<LiveStatus>([S.Ended, S.Banned, S.Expired]);

export function isFinal(s: LiveStatus): boolean {
  return FINAL_STATUSES.has(s);
}

/**
 * The table of allowed moves: cause → from → to.
 * `to === from` marks a valid no-op (kept connected while paused, etc.).
 */
const TABLE: Record<TransitionCause, Partial<Record<LiveStatus, LiveStatus>>> = {
  // S-STATUS-2 (102 → 101) and S-STATUS-3 (106 → 101). A paused room whose anchor
  // reconnects stays paused: only the console's resume ends a pause (S-STATUS-6).
  [C.PublishStarted]: { [S.NotStarted]: S.Live, [S.Abnormal]: S.Live, [S.Paused]: S.Paused, [S.Live]: S.Live },
  // S-STATUS-3: 101 → 106. A paused room whose stream drops stays paused; the
  // console's end (or a ban) settles it.
  [C.StreamLost]: { [S.Live]: S.Abnormal, [S.Paused]: S.Paused, [S.Abnormal]: S.Abnormal },
  // S-STATUS-4: 101/106 → 103; ending a paused room is allowed too (the console's End).
  [C.AnchorEnded]: { [S.Live]: S.Ended, [S.Abnormal]: S.Ended, [S.Paused]: S.Ended },
  // S-STATUS-6
  [C.Paused]: { [S.Live]: S.Paused },
  [C.Resumed]: { [S.Paused]: S.Live },
  // S-STATUS-7: any non-final state → 104
  [C.Banned]: { [S.NotStarted]: S.Banned, [S.Live]: S.Banned, [S.Paused]: S.Banned, [S.Abnormal]: S.Banned },
  // S-STATUS-3: 15 minutes in 106 → 103
  [C.AbnormalTimeout]: { [S.Abnormal]: S.Ended },
  // S-STATUS-5: 102 past its planned end_time → 107
  [C.PlanExpired]: { [S.NotStarted]: S.Expired },
};

export function transition(from: LiveStatus, cause: TransitionCause): TransitionResult {
  const to = TABLE[cause][from];
  if (to === undefined) {
    const reason: RefusalReason =
      from === S.Banned
        ? RefusalReason.Banned
        : from === S.Expired
          ? RefusalReason.Expired
          : isFinal(from)
            ? RefusalReason.FinalStatus
            : RefusalReason.NotAllowed;
    return { kind: 'refused', status: from, cause, reason, message: `room is ${from}: ${cause} is not allowed (${reason})` };
  }
  if (to === from) return { kind: 'unchanged', status: from, cause };
  return { kind: 'changed', from, to, cause };
}

/** Every (cause, from, to) the table allows with a real change: for docs and exhaustive tests. */
export function allowedTransitions(): Array<{ cause: TransitionCause; from: LiveStatus; to: LiveStatus }> {
  const out: Array<{ cause: TransitionCause; from: LiveStatus; to: LiveStatus }> = [];
  for (const cause of Object.values(C)) {
    for (const [f, to] of Object.entries(TABLE[cause])) {
      const from = Number(f) as LiveStatus;
      if (to !== undefined && to !== from) out.push({ cause, from, to });
    }
  }
  return out;
}

/** Timers a status implies (S-STATUS-3, -5): what the storage layer must schedule or cancel on entering a status. */
export interface TimerPolicy {
  abnormalTimeoutMs: number;
}

export const DEFAULT_ABNORMAL_TIMEOUT_MS = 15 * 60 * 1000;

export type TimerKind = 'abnormal_timeout' | 'plan_expiry';

export const TIMER_CAUSE: Record<TimerKind, TransitionCause> = {
  abnormal_timeout: C.AbnormalTimeout,
  plan_expiry: C.PlanExpired,
};

/** After a change to `to`, which timers are due when (ms epoch), and which are cancelled. */
export function timersAfter(
  to: LiveStatus,
  nowMs: number,
  plannedEndMs: number,
  policy: TimerPolicy,
): { schedule: Array<{ kind: TimerKind; dueAt: number }>; cancel: TimerKind[] } {
  const schedule: Array<{ kind: TimerKind; dueAt: number }> = [];
  const cancel: TimerKind[] = [];
  if (to === S.Abnormal) schedule.push({ kind: 'abnormal_timeout', dueAt: nowMs + policy.abnormalTimeoutMs });
  else cancel.push('abnormal_timeout');
  if (to === S.NotStarted) schedule.push({ kind: 'plan_expiry', dueAt: plannedEndMs });
  else cancel.push('plan_expiry');
  return { schedule, cancel };
}
