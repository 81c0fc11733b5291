/**
 * Operator and merchant actions on a room's status, in one place for every caller (admin API, console, CLI):
 * the action → cause map and the refusal as a DomainError (its reason is the lifecycle's: not_allowed, banned, …).
 * The media consequences (kick on end/ban, pause) follow from the status event (modules/live).
 */
import { type LiveStatus, Reason, TransitionCause } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import type { RoomService } from './service.js';

export const ROOM_ACTIONS = {
  pause: TransitionCause.Paused,
  resume: TransitionCause.Resumed,
  end: TransitionCause.AnchorEnded,
  ban: TransitionCause.Banned,
} as const;
export type RoomAction = keyof typeof ROOM_ACTIONS;
export const isRoomAction = (a: unknown): a is RoomAction => typeof a === 'string' && Object.hasOwn(ROOM_ACTIONS, a);

export interface ActionResult {
  roomId: number;
  live_status: LiveStatus;
  changed: boolean;
}

export async function operatorAction(rooms: RoomService, roomId: number, action: RoomAction, actor: string): Promise<ActionResult> {
  if (!rooms.cachedStatus(roomId)) throw new DomainError(Reason.RoomNotFound, `room ${roomId} does not exist`);
  const r = await rooms.apply(roomId, ROOM_ACTIONS[action], actor);
  if (r.kind === 'refused') throw new DomainError(r.reason, r.message, undefined, { live_status: r.status });
  return { roomId, live_status: r.kind === 'changed' ? r.to : r.status, changed: r.kind === 'changed' };
}
