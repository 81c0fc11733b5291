import { describe, expect, it } from 'vitest';
import { ALL_CAUSES, ALL_STATUSES, LiveStatus, TransitionCause } from '@zhibo/protocol';
import { allowedTransitions, RefusalReason, timersAfter, transition } from './lifecycle.js';

const S = LiveStatus;
const C = TransitionCause;

describe('room lifecycle (pure transition function)', () => {
  it('S-STATUS-2: publish started turns 102 into 101', () => {
    expect(transition(S.NotStarted, C.PublishStarted)).toEqual({ kind: 'changed', from: 102, to: 101, cause: C.PublishStarted });
  });
  it('S-STATUS-3: stream lost turns 101 into 106, publish within the window returns 101, timeout ends 103', () => {
    expect(transition(S.Live, C.StreamLost)).toMatchObject({ kind: 'changed', to: 106 });
    expect(transition(S.Abnormal, C.PublishStarted)).toMatchObject({ kind: 'changed', to: 101 });
    expect(transition(S.Abnormal, C.AbnormalTimeout)).toMatchObject({ kind: 'changed', to: 103 });
  });
  it('S-STATUS-3: the abnormal timeout applies only to 106', () => {
    for (const s of ALL_STATUSES.filter((x) => x !== S.Abnormal)) expect(transition(s, C.AbnormalTimeout).kind).toBe('refused');
  });
  it('S-STATUS-4: anchor end turns 101 and 106 into 103; 103 is final', () => {
    expect(transition(S.Live, C.AnchorEnded)).toMatchObject({ kind: 'changed', to: 103 });
    expect(transition(S.Abnormal, C.AnchorEnded)).toMatchObject({ kind: 'changed', to: 103 });
    for (const c of ALL_CAUSES) expect(transition(S.Ended, c)).toMatchObject({ kind: 'refused', reason: RefusalReason.FinalStatus });
  });
  it('S-STATUS-4: ending a room that never started is refused', () => {
    expect(transition(S.NotStarted, C.AnchorEnded)).toMatchObject({ kind: 'refused', reason: RefusalReason.NotAllowed });
  });
  it('S-STATUS-5: plan expiry turns 102 into 107, which can never go live', () => {
    expect(transition(S.NotStarted, C.PlanExpired)).toMatchObject({ kind: 'changed', to: 107 });
    expect(transition(S.Expired, C.PublishStarted)).toMatchObject({ kind: 'refused', reason: RefusalReason.Expired });
    for (const s of ALL_STATUSES.filter((x) => x !== S.NotStarted)) expect(transition(s, C.PlanExpired).kind).toBe('refused');
  });
  it('S-STATUS-6: pause turns 101 into 105 and resume returns 101', () => {
    expect(transition(S.Live, C.Paused)).toMatchObject({ kind: 'changed', to: 105 });
    expect(transition(S.Paused, C.Resumed)).toMatchObject({ kind: 'changed', to: 101 });
    expect(transition(S.NotStarted, C.Paused).kind).toBe('refused');
    expect(transition(S.Live, C.Resumed).kind).toBe('refused');
  });
  it('S-STATUS-6: a paused room stays 105 when its stream drops or reconnects', () => {
    expect(transition(S.Paused, C.StreamLost)).toEqual({ kind: 'unchanged', status: 105, cause: C.StreamLost });
    expect(transition(S.Paused, C.PublishStarted)).toEqual({ kind: 'unchanged', status: 105, cause: C.PublishStarted });
  });
  it('S-STATUS-7: ban turns every non-final status into 104, and a banned room can not go live', () => {
    for (const s of [S.NotStarted, S.Live, S.Paused, S.Abnormal])
      expect(transition(s, C.Banned)).toMatchObject({ kind: 'changed', to: 104 });
    for (const s of [S.Ended, S.Expired, S.Banned]) expect(transition(s, C.Banned).kind).toBe('refused');
    expect(transition(S.Banned, C.PublishStarted)).toMatchObject({ kind: 'refused', reason: RefusalReason.Banned });
  });
  it('S-STATUS-1..7: every (status, cause) pair has a defined outcome and refusals carry a message', () => {
    let changed = 0;
    for (const s of ALL_STATUSES)
      for (const c of ALL_CAUSES) {
        const r = transition(s, c);
        if (r.kind === 'refused') expect(r.message).toContain(String(s));
        if (r.kind === 'changed') changed++;
      }
    expect(changed).toBe(allowedTransitions().length);
    expect(allowedTransitions()).toHaveLength(14);
  });
  it('S-STATUS-8: entering 106 schedules the 15-minute timer; leaving it cancels it; 102 schedules plan expiry', () => {
    const p = { abnormalTimeoutMs: 900_000 };
    expect(timersAfter(S.Abnormal, 1000, 5000, p)).toEqual({
      schedule: [{ kind: 'abnormal_timeout', dueAt: 901_000 }],
      cancel: ['plan_expiry'],
    });
    expect(timersAfter(S.Live, 1000, 5000, p)).toEqual({ schedule: [], cancel: ['abnormal_timeout', 'plan_expiry'] });
    expect(timersAfter(S.NotStarted, 1000, 5000, p).schedule).toEqual([{ kind: 'plan_expiry', dueAt: 5000 }]);
  });
});
