/** EasyWeChat 5.x (branch 5.x, last commit 2025-10): the MiniProgram Broadcast client covers rooms, goods, roles and subscriptions. */
import type { SdkProfile } from '../types.js';
import * as C from './easywechat-calls.js';
import { EASYWECHAT_TRANSPORT } from './easywechat4.js';

export const EASYWECHAT5: SdkProfile = {
  id: 'easywechat5', name: 'EasyWeChat 5.x', version: '5.x branch (5.36.x)', repo: 'w7corp/easywechat', commit: '7412288d393d41bde2fec5003811c8402f22a95b',
  transport: EASYWECHAT_TRANSPORT,
  calls: [
    C.TOKEN, C.MEDIA_UPLOAD, C.ROOM_CREATE, C.LIVE_LIST, C.LIVE_REPLAY, C.ROOM_DELETE, C.ROOM_EDIT, C.ROOM_PUSHURL, C.ROOM_SHAREDCODE, C.ROOM_ADDGOODS,
    C.ASSISTANT_ADD, C.ASSISTANT_MODIFY, C.ASSISTANT_REMOVE, C.ASSISTANT_LIST, C.SUBANCHOR_ADD, C.SUBANCHOR_MODIFY, C.SUBANCHOR_DELETE, C.SUBANCHOR_GET,
    C.ROOM_FEEDPUBLIC, C.ROOM_REPLAYSWITCH, C.ROOM_KF, C.ROOM_COMMENT, C.ROOMGOODS_ONSALE, C.ROOMGOODS_DELETE, C.ROOMGOODS_PUSH, C.ROOMGOODS_SORT, C.ROOMGOODS_VIDEO,
    C.GOODS_ADD, C.GOODS_RESETAUDIT, C.GOODS_AUDIT, C.GOODS_DELETE, C.GOODS_UPDATE, C.GOODS_WAREHOUSE, C.GOODS_APPROVED,
    C.ROLE_ADD, C.ROLE_DELETE, C.ROLE_LIST, C.FOLLOWERS, C.PUSH_MESSAGE,
  ],
};
