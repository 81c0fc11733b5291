/**
 * A room's fields from a WeChat create or edit body. Create fills WeChat's documented defaults (closeReplay 1 and
 * closeKf 1: closed; isFeedsPublic 1: listed; closeShare 0; type 1 push; screenType 0 portrait — PowerWeChat and
 * WeChat's sample send no screenType). Edit changes only the fields it is given: every other field keeps its value
 * (WeChat's edit body has no type, screenType or anchorImg).
 */
import { type CreateRoomRequest, Reason } from '@zhibo/protocol';
import { checkAnchorName, checkRoomName, checkRoomTimes } from '@zhibo/core';
import { DomainError, assertCheck } from '../../lib/errors.js';
import { intOf, isWechatId } from '../../lib/ids.js';
import type { ImageService } from '../images/service.js';
import type { RoomRow } from './sql.js';

/** `parameter X must no be null` (200002): WeChat's words for a missing required field. */
export const missing = (field: string): DomainError => new DomainError(Reason.ParamMissing, `parameter ${field} must no be null`, field);

/** roomId of a body: missing → 200002 (an unknown or malformed one is 300022, from the room lookup). */
export function roomIdOf(body: Record<string, unknown>): unknown {
  if (body.roomId === undefined || body.roomId === null || body.roomId === '') throw missing('roomId');
  return body.roomId;
}

const given = (v: unknown): boolean => v !== undefined && v !== null;

const flag = (v: unknown, field: string): number => {
  const n = intOf(v);
  if (n === 0 || n === 1) return n;
  throw new DomainError(Reason.BadParameter, `${field} must be 0 or 1`, field);
};

const str = (v: unknown, field: string, max = 64): string => {
  if (!given(v)) return '';
  if (typeof v !== 'string' || v.length > max)
    throw new DomainError(Reason.BadParameter, `${field} must be a string of at most ${max} characters`, field);
  return v;
};

/** Flags of create with WeChat's defaults (field → [column, default]). */
const FLAGS: Array<[keyof CreateRoomRequest, string, number]> = [
  ['closeLike', 'close_like', 0],
  ['closeGoods', 'close_goods', 0],
  ['closeComment', 'close_comment', 0],
  ['closeReplay', 'close_replay', 1],
  ['closeShare', 'close_share', 0],
  ['closeKf', 'close_kf', 1],
  ['isFeedsPublic', 'is_feeds_public', 1],
];

/** Images: field → [column, byte limit, reason when unusable, required on create]. */
const IMAGES: Array<[keyof CreateRoomRequest, string, number, Reason, boolean]> = [
  ['coverImg', 'cover_img', 2 * 1024 * 1024, Reason.CoverImageInvalid, true],
  ['shareImg', 'share_img', 1024 * 1024, Reason.ShareImageInvalid, true],
  ['feedsImg', 'feeds_img', 100 * 1024, Reason.ImageInvalid, false],
  ['anchorImg', 'anchor_img', 1024 * 1024, Reason.ImageInvalid, false],
];

/**
 * The columns to write: every column for create (`base` undefined), only the given ones for edit. Times and names are
 * checked on the merged result, so an edit of endTime alone is checked against the stored startTime.
 */
export async function roomFields(
  images: ImageService,
  appid: string,
  req: Partial<CreateRoomRequest>,
  nowSec: number,
  base?: RoomRow,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  if (given(req.name) || !base) {
    if (!given(req.name)) throw missing('name');
    if (typeof req.name !== 'string') throw new DomainError(Reason.NameLength, 'name must be a string', 'name');
    assertCheck(checkRoomName(req.name));
    out.name = req.name;
  }
  if (given(req.anchorName) || !base) {
    if (!given(req.anchorName)) throw missing('anchorName');
    if (typeof req.anchorName !== 'string') throw new DomainError(Reason.AnchorNameLength, 'anchorName must be a string', 'anchorName');
    assertCheck(checkAnchorName(req.anchorName));
    out.anchor_name = req.anchorName;
  }
  if (given(req.startTime) || given(req.endTime) || !base) {
    const startTime = given(req.startTime) ? intOf(req.startTime) : base?.start_time;
    const endTime = given(req.endTime) ? intOf(req.endTime) : base?.end_time;
    if (typeof startTime !== 'number' || typeof endTime !== 'number')
      throw new DomainError(Reason.RoomTimes, 'parameter startTime or endTime is invalid: both are required unix seconds', 'startTime');
    assertCheck(checkRoomTimes({ startTime, endTime }, nowSec));
    out.start_time = startTime;
    out.end_time = endTime;
  }
  for (const [field, column, max, reason, required] of IMAGES) {
    const v = req[field];
    if (given(v) && v !== '') out[column] = await images.resolve(appid, v, field, max, reason);
    else if (!base) {
      if (required) throw missing(field);
      out[column] = '';
    }
  }
  if (given(req.type) || !base) {
    const type = intOf(req.type ?? 1);
    if (type !== 0 && type !== 1) throw new DomainError(Reason.BadParameter, 'type must be 0 (phone) or 1 (push stream)', 'type');
    out.type = type;
  }
  if (given(req.screenType) || !base) {
    const screenType = intOf(req.screenType ?? 0);
    if (screenType !== 0 && screenType !== 1)
      throw new DomainError(Reason.BadParameter, 'screenType must be 0 (portrait) or 1 (landscape)', 'screenType');
    out.screen_type = screenType;
  }
  for (const [field, column, dflt] of FLAGS) {
    if (given(req[field])) out[column] = flag(req[field], field);
    else if (!base) out[column] = dflt;
  }
  for (const [field, column] of [
    ['anchorWechat', 'anchor_wechat'],
    ['subAnchorWechat', 'sub_anchor_wechat'],
    ['createrWechat', 'creater_wechat'],
  ] as const) {
    if (!given(req[field]) && base) continue;
    const v = str(req[field], field);
    if (v && field === 'subAnchorWechat' && !isWechatId(v))
      throw new DomainError(Reason.SubAnchorInvalid, `${field} is not a WeChat id`, field);
    out[column] = v;
  }
  const anchor = (out.anchor_wechat ?? base?.anchor_wechat ?? '') as string;
  const sub = (out.sub_anchor_wechat ?? base?.sub_anchor_wechat ?? '') as string;
  if (anchor && anchor === sub)
    throw new DomainError(Reason.BadParameter, 'anchorWechat and subAnchorWechat can not be same', 'subAnchorWechat');
  return out;
}
