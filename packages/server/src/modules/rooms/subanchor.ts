/**
 * WeChat's sub-anchor calls (room/addsubanchor, modifysubanchor, deletesubanchor, getsubanchor): a second anchor allowed
 * to push the room with its own revocable key (the live module's publish gate takes either key, one publisher at a time).
 * Errcodes as WeChat's: 500001 bad id, 500002 not an anchor (role checks on), 500003 one already set, 500004 the same
 * one again, 500005 the sub-anchor is the anchor.
 */
import { Reason } from '@zhibo/protocol';
import { DomainError } from '../../lib/errors.js';
import { isWechatId } from '../../lib/ids.js';
import { ok, type WxRouter } from '../../http/wx.js';
import { missing, roomIdOf } from './fields.js';
import type { RoomService } from './service.js';
import type { RoomRow } from './sql.js';

function subAnchorName(body: Record<string, unknown>, room: RoomRow): string {
  const v = body.username;
  if (v === undefined || v === null || v === '') throw missing('username');
  if (!isWechatId(v))
    throw new DomainError(
      Reason.SubAnchorInvalid,
      'username is not a WeChat id (6–20 letters, digits, _ or -, starting with a letter; or 6–15 digits)',
      'username',
    );
  if (v === room.anchor_wechat)
    throw new DomainError(
      Reason.SubAnchorIsAnchor,
      `${v} is the room's anchor (anchorWechat): the sub-anchor must be someone else`,
      'username',
    );
  return v;
}

/** addsubanchor: 500003 when another one is set, 500004 when it is the same one. */
export async function addSubAnchor(rooms: RoomService, appid: string, body: Record<string, unknown>): Promise<void> {
  const room = await rooms.get(appid, roomIdOf(body));
  const name = subAnchorName(body, room);
  if (room.sub_anchor_wechat === name)
    throw new DomainError(Reason.SubAnchorDuplicate, `${name} is already the sub-anchor of room ${room.id}`, 'username');
  if (room.sub_anchor_wechat)
    throw new DomainError(
      Reason.SubAnchorExists,
      `room ${room.id} already has a sub-anchor; use modifysubanchor to replace it`,
      'username',
    );
  await rooms.setSubAnchor(appid, room, name);
}

/** modifysubanchor: the same sub-anchor again changes nothing (its key stays); another one gets a new key. */
export async function modifySubAnchor(rooms: RoomService, appid: string, body: Record<string, unknown>): Promise<void> {
  const room = await rooms.get(appid, roomIdOf(body));
  const name = subAnchorName(body, room);
  if (room.sub_anchor_wechat !== name) await rooms.setSubAnchor(appid, room, name);
}

/** deletesubanchor: the key stops working and a publisher using it is kicked. */
export async function deleteSubAnchor(rooms: RoomService, appid: string, body: Record<string, unknown>): Promise<void> {
  const room = await rooms.get(appid, roomIdOf(body));
  if (!room.sub_anchor_wechat) throw new DomainError(Reason.SubAnchorInvalid, `room ${room.id} has no sub-anchor`, 'roomId');
  await rooms.setSubAnchor(appid, room, '');
}

export function subAnchorRoutes(r: WxRouter, rooms: RoomService, pushUrl: (roomId: number, key: string) => string): void {
  const P = '/wxaapi/broadcast/room/';
  const done = async (fn: Promise<void>) => {
    await fn;
    return ok({});
  };
  r.post(`${P}addsubanchor`, ({ appid, body }) => done(addSubAnchor(rooms, appid, body)));
  r.post(`${P}modifysubanchor`, ({ appid, body }) => done(modifySubAnchor(rooms, appid, body)));
  r.post(`${P}deletesubanchor`, ({ appid, body }) => done(deleteSubAnchor(rooms, appid, body)));
  r.get(`${P}getsubanchor`, async ({ appid, query }) => {
    const room = await rooms.get(appid, query.roomId);
    // zhibo extension: the sub-anchor's own push address (WeChat's sub-anchor pushes from its app; ours needs a URL)
    return ok(
      room.sub_anchor_wechat ? { username: room.sub_anchor_wechat, pushAddr: pushUrl(room.id, room.sub_stream_key) } : { username: '' },
    );
  });
}
