/**
 * The one error taxonomy (docs/architecture.md, "an error catalogue"): every failure the server reports has a stable
 * `reason`. Each transport maps a reason its own way — the WeChat API to an `errcode` (HTTP 200), the console and
 * the admin API to `{error: reason, message, fields}` with an HTTP status, the plugin API to `{errcode: reason-ish,
 * errmsg}` — and nobody parses message text. Values are only ever added; docs/errors.md is generated from this table.
 */
import { Errcode } from './errcodes.js';

export const Reason = {
  // -- generic
  SystemError: 'system_error',
  BadParameter: 'bad_parameter',
  InvalidArgs: 'invalid_args',
  EmptyPostData: 'empty_post_data',
  DataFormat: 'data_format_error',
  NotFound: 'not_found',
  Conflict: 'conflict',
  Throttled: 'throttled',
  TooLarge: 'too_large',
  LimitReached: 'limit_reached',
  DiskLow: 'disk_low',
  // -- auth
  AccessTokenMissing: 'access_token_missing',
  InvalidCredential: 'invalid_credential',
  AccessTokenExpired: 'access_token_expired',
  InvalidGrantType: 'invalid_grant_type',
  InvalidAppid: 'invalid_appid',
  InvalidAppsecret: 'invalid_appsecret',
  Unauthenticated: 'unauthenticated',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  Csrf: 'csrf',
  PasswordChangeRequired: 'password_change_required',
  // -- quota
  QuotaExceeded: 'quota_exceeded',
  NoRoom: 'no_room',
  // -- rooms
  RoomNotFound: 'room_not_found',
  RoomStateForbids: 'room_state_forbids',
  EditForbidden: 'edit_forbidden',
  NameLength: 'name_length',
  AnchorNameLength: 'anchor_name_length',
  RoomTimes: 'room_times',
  // -- status transitions refused (core/lifecycle.ts RefusalReason)
  FinalStatus: 'final_status',
  Banned: 'banned',
  Expired: 'expired',
  NotAllowed: 'not_allowed',
  // -- images
  ImageInvalid: 'image_invalid',
  CoverImageInvalid: 'cover_image_invalid',
  ShareImageInvalid: 'share_image_invalid',
  // -- goods
  GoodsNotFound: 'goods_not_found',
  GoodsNotApproved: 'goods_not_approved',
  GoodsNameInvalid: 'goods_name_invalid',
  GoodsUrlInvalid: 'goods_url_invalid',
  PriceInvalid: 'price_invalid',
  RoomGoodsFull: 'room_goods_full',
  GoodsAuditWithdrawFailed: 'goods_audit_withdraw_failed',
  GoodsAuditState: 'goods_audit_state',
  GoodsNotApiCreated: 'goods_not_api_created',
  GoodsAuditQuota: 'goods_audit_quota',
  GoodsInReview: 'goods_in_review',
  GoodsNotInReview: 'goods_not_in_review',
  // -- replays (goods/getVideo)
  NoExplanation: 'no_explanation',
  ExplanationPending: 'explanation_pending',
  ExplanationGone: 'explanation_gone',
  // -- long-term subscription (followers)
  PushOtherRoomToday: 'push_other_room_today',
  PushRoomNotLive: 'push_room_not_live',
  // -- transport
  RequireGet: 'require_get',
  RequirePost: 'require_post',
  // -- room members, switches, compatibility (issue 11 part A)
  ParamMissing: 'param_missing',
  MediaTypeInvalid: 'media_type_invalid',
  MinuteQuota: 'minute_quota',
  AnchorRoleMissing: 'anchor_role_missing',
  KfNotConfigured: 'kf_not_configured',
  EditWhilePushing: 'edit_while_pushing',
  MemberIdInvalid: 'member_id_invalid',
  RoleLimit: 'role_limit',
  RoleDuplicate: 'role_duplicate',
  SubAnchorInvalid: 'sub_anchor_invalid',
  SubAnchorNotVerified: 'sub_anchor_not_verified',
  SubAnchorExists: 'sub_anchor_exists',
  SubAnchorDuplicate: 'sub_anchor_duplicate',
  SubAnchorIsAnchor: 'sub_anchor_is_anchor',
  AssistantExists: 'assistant_exists',
  AssistantNotFound: 'assistant_not_found',
  EmptyRoomList: 'empty_room_list',
  // -- subscriptions
  NotSubscribable: 'not_subscribable',
  WebPushOff: 'webpush_off',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

export interface ReasonInfo {
  /** what the WeChat-compatible API answers (HTTP 200 with this errcode) */
  errcode: Errcode;
  /** HTTP status on the console, admin and plugin APIs */
  status: number;
  /** when it happens (docs/errors.md) */
  when: string;
}

export const REASONS: Record<Reason, ReasonInfo> = {
  system_error: { errcode: Errcode.SystemBusy, status: 500, when: 'an unexpected error (logged with its request id); retry later' },
  bad_parameter: {
    errcode: Errcode.BadParameter,
    status: 400,
    when: 'a field is missing or has a wrong value (the message and `field` say which)',
  },
  invalid_args: {
    errcode: Errcode.InvalidParameter,
    status: 400,
    when: 'an argument is out of range (e.g. limit not in 1..100, start < 0, unknown action)',
  },
  empty_post_data: { errcode: Errcode.EmptyPostData, status: 400, when: 'a POST call came with no body' },
  data_format_error: {
    errcode: Errcode.DataFormatError,
    status: 400,
    when: 'the body is not valid JSON / form data, or a field has the wrong type',
  },
  not_found: { errcode: Errcode.BadParameter, status: 404, when: 'the object does not exist or is not yours (console, admin)' },
  conflict: { errcode: Errcode.RoomStateForbids, status: 409, when: 'the object is in a state that does not allow the change' },
  throttled: { errcode: Errcode.SystemBusy, status: 429, when: 'too many requests or sign-in attempts; wait and retry' },
  too_large: { errcode: Errcode.DataFormatError, status: 413, when: 'the request or one of its fields is larger than allowed' },
  limit_reached: {
    errcode: Errcode.QuotaExceeded,
    status: 429,
    when: 'a cap per viewer, per IP or per room is reached (e.g. subscriptions; docs/security.md)',
  },
  disk_low: {
    errcode: Errcode.SystemBusy,
    status: 507,
    when: 'free disk space is below `ZHIBO_DISK_MIN_FREE_MB`: uploads and other writes that are not essential are refused until space is freed',
  },
  access_token_missing: { errcode: Errcode.AccessTokenMissing, status: 401, when: 'no access_token query parameter' },
  invalid_credential: { errcode: Errcode.InvalidCredential, status: 401, when: 'access_token unknown, replaced, or of another app' },
  access_token_expired: { errcode: Errcode.AccessTokenExpired, status: 401, when: 'the token is older than expires_in' },
  invalid_grant_type: { errcode: Errcode.InvalidGrantType, status: 400, when: 'grant_type is not client_credential' },
  invalid_appid: { errcode: Errcode.InvalidAppid, status: 400, when: 'no such appid' },
  invalid_appsecret: { errcode: Errcode.InvalidAppsecret, status: 400, when: 'appsecret does not match the appid' },
  unauthenticated: {
    errcode: Errcode.InvalidCredential,
    status: 401,
    when: 'console: no live session (sign in); anchor page: no session for that room, or a sign-in link that is damaged, expired, already used or voided by a new stream key',
  },
  unauthorized: { errcode: Errcode.ApiUnauthorized, status: 401, when: 'plugin/admin API: no usable viewer identity or admin token' },
  forbidden: { errcode: Errcode.ApiUnauthorized, status: 403, when: 'the account may not do this (e.g. a merchant managing accounts)' },
  csrf: {
    errcode: Errcode.ApiUnauthorized,
    status: 403,
    when: 'console: cross-origin request, or a missing/wrong CSRF token; anchor page: a POST without `x-zhibo-anchor: 1` or from another origin',
  },
  password_change_required: {
    errcode: Errcode.ApiUnauthorized,
    status: 403,
    when: 'console: the account signed in with a generated password and must choose its own first',
  },
  quota_exceeded: {
    errcode: Errcode.QuotaExceeded,
    status: 429,
    when: 'S-API-4: the daily quota (default 500, shared by getliveinfo and get_replay) is used up; resets 00:00 Asia/Shanghai',
  },
  no_room: { errcode: Errcode.NoRoom, status: 200, when: 'S-API-2: getliveinfo of an app that has created no room yet' },
  room_not_found: { errcode: Errcode.RoomNotFound, status: 404, when: "no such room for this app (another app's room is just as unknown)" },
  room_state_forbids: {
    errcode: Errcode.RoomStateForbids,
    status: 409,
    when: 'the room status does not allow it (e.g. deleting a live room, presenting goods with the shelf closed)',
  },
  edit_forbidden: { errcode: Errcode.EditForbidden, status: 409, when: 'the room can no longer be edited in its state' },
  name_length: {
    errcode: Errcode.NameLengthInvalid,
    status: 400,
    when: 'room name length out of 3–17 Chinese characters (a Chinese character counts as 2)',
  },
  anchor_name_length: {
    errcode: Errcode.AnchorNameLengthInvalid,
    status: 400,
    when: 'anchorName length out of 2–15 Chinese characters (a Chinese character counts as 2)',
  },
  room_times: {
    errcode: Errcode.BadParameter,
    status: 400,
    when: 'startTime/endTime missing or out of range (start in the past or > 6 months ahead; 30 min – 24 h long)',
  },
  final_status: { errcode: Errcode.RoomStateForbids, status: 409, when: 'the room has ended (103): its status can no longer change' },
  banned: { errcode: Errcode.RoomStateForbids, status: 409, when: 'the room is banned (104) and can not go live or be resumed' },
  expired: { errcode: Errcode.RoomStateForbids, status: 409, when: 'the room expired (107): its planned end passed before it went live' },
  not_allowed: {
    errcode: Errcode.RoomStateForbids,
    status: 409,
    when: "the action does not apply to the room's status (e.g. pausing a room that is not live)",
  },
  image_invalid: {
    errcode: Errcode.ImageUploadFailed,
    status: 400,
    when: 'an image is not a PNG/JPEG/GIF/WebP, is corrupt, too large, or its media_id expired',
  },
  cover_image_invalid: { errcode: Errcode.CoverImageInvalid, status: 400, when: 'coverImg missing, too large (> 2 MB) or not an image' },
  share_image_invalid: { errcode: Errcode.ShareImageInvalid, status: 400, when: 'shareImg missing, too large (> 1 MB) or not an image' },
  goods_not_found: { errcode: Errcode.GoodsNotFound, status: 404, when: "no such goods for this app, or not on that room's shelf" },
  goods_not_approved: { errcode: Errcode.GoodsNotApproved, status: 409, when: 'goods still in review cannot be added to a room' },
  goods_name_invalid: { errcode: Errcode.GoodsNameViolation, status: 400, when: 'goods name empty or longer than 14 Chinese characters' },
  goods_url_invalid: {
    errcode: Errcode.GoodsUrlInvalid,
    status: 400,
    when: 'goods url empty, too long, or not an http(s) URL or page path',
  },
  price_invalid: {
    errcode: Errcode.PriceInvalid,
    status: 400,
    when: 'price missing, negative, more than 2 decimals, or inconsistent with priceType',
  },
  room_goods_full: { errcode: Errcode.RoomGoodsFull, status: 409, when: 'a room holds at most 500 goods' },
  goods_audit_withdraw_failed: {
    errcode: Errcode.AuditWithdrawFailed,
    status: 409,
    when: "goods/resetaudit: the auditId is not the goods' current review",
  },
  goods_audit_state: {
    errcode: Errcode.AuditStateWrong,
    status: 409,
    when: 'the review state forbids it: resubmitting goods in review or approved, editing goods in review, changing more than prices of approved goods',
  },
  goods_not_api_created: {
    errcode: Errcode.GoodsNotApiCreated,
    status: 403,
    when: 'the WeChat API may not review, edit or delete goods created in the console (thirdPartyTag 0)',
  },
  goods_audit_quota: {
    errcode: Errcode.AuditQuotaExceeded,
    status: 429,
    when: 'goods/add and goods/audit share 500 review submissions a day per app (Asia/Shanghai day)',
  },
  goods_in_review: { errcode: Errcode.GoodsInReview, status: 409, when: 'goods in review cannot be deleted (withdraw the review first)' },
  goods_not_in_review: {
    errcode: Errcode.GoodsNotInReview,
    status: 409,
    when: 'goods/resetaudit or a review decision on goods that is not in review',
  },
  no_explanation: {
    errcode: Errcode.NoExplanationVideo,
    status: 404,
    when: 'goods/getVideo: the product was not presented in the live (no marker), or its markers were removed',
  },
  explanation_pending: {
    errcode: Errcode.ExplanationVideoPending,
    status: 409,
    when: 'goods/getVideo: the live has not ended yet, or its clip is being cut (seconds after the end)',
  },
  explanation_gone: {
    errcode: Errcode.ExplanationVideoGone,
    status: 410,
    when: 'goods/getVideo: the clip expired with the replay, the room shows no replay (closeReplay), or cutting failed',
  },
  push_other_room_today: {
    errcode: Errcode.PushOtherRoomToday,
    status: 409,
    when: 'push_message: the app already pushed another room to followers today (Asia/Shanghai day)',
  },
  push_room_not_live: { errcode: Errcode.PushRoomNotLive, status: 409, when: 'push_message: the room is not live (101)' },
  require_get: { errcode: Errcode.RequireGet, status: 405, when: 'a GET call of the WeChat API was made with another method' },
  require_post: { errcode: Errcode.RequirePost, status: 405, when: 'a POST call of the WeChat API was made with another method' },
  param_missing: {
    errcode: Errcode.BadParameter,
    status: 400,
    when: 'a required field is missing: errmsg `parameter X must no be null` (e.g. coverImg, shareImg, roomId, username)',
  },
  media_type_invalid: { errcode: Errcode.InvalidMediaType, status: 400, when: 'media upload with a `type` other than image' },
  minute_quota: { errcode: Errcode.MinuteQuota, status: 429, when: 'stable_token with force_refresh again within 30 seconds' },
  anchor_role_missing: {
    errcode: Errcode.AnchorNotVerified,
    status: 400,
    when: 'the app checks roles and anchorWechat does not hold the anchor role (the answer carries `qrcode_url`, the console page to grant it)',
  },
  kf_not_configured: {
    errcode: Errcode.KfNotConfigured,
    status: 409,
    when: 'room/updatekf closeKf 0 while the app has no customer-service URL (app setting kfUrl)',
  },
  edit_while_pushing: { errcode: Errcode.EditWhilePushing, status: 409, when: 'editroom while the room is live, paused or abnormal' },
  member_id_invalid: {
    errcode: Errcode.MemberIdInvalid,
    status: 400,
    when: 'role/addrole, deleterole: username is not a WeChat id (letters, digits, _ or -, 6–20, starting with a letter; or 6–15 digits)',
  },
  role_limit: { errcode: Errcode.RoleLimit, status: 409, when: 'role/addrole past 10 admins, 500 anchors or 500 operators' },
  role_duplicate: { errcode: Errcode.RoleDuplicate, status: 409, when: 'role/addrole: the user already holds that role' },
  sub_anchor_invalid: {
    errcode: Errcode.SubAnchorInvalid,
    status: 400,
    when: 'addsubanchor/modifysubanchor: username is not a WeChat id; deletesubanchor of a room without one',
  },
  sub_anchor_not_verified: {
    errcode: Errcode.SubAnchorNotVerified,
    status: 400,
    when: 'the app checks roles and the sub-anchor does not hold the anchor role',
  },
  sub_anchor_exists: {
    errcode: Errcode.SubAnchorExists,
    status: 409,
    when: 'addsubanchor on a room that already has another sub-anchor (use modifysubanchor)',
  },
  sub_anchor_duplicate: { errcode: Errcode.SubAnchorDuplicate, status: 409, when: 'addsubanchor with the sub-anchor the room already has' },
  sub_anchor_is_anchor: { errcode: Errcode.SubAnchorIsAnchor, status: 400, when: "the sub-anchor is the room's anchor (anchorWechat)" },
  assistant_exists: { errcode: Errcode.AssistantExists, status: 409, when: 'addassistant: the user is already an assistant of the room' },
  assistant_not_found: {
    errcode: Errcode.AssistantNotFound,
    status: 404,
    when: 'modifyassistant/removeassistant for a user who is not an assistant of the room (console: a sign-in link for one); addassistant with a username that is not a WeChat id',
  },
  empty_room_list: {
    errcode: Errcode.EmptyRoomList,
    status: 200,
    when: 'profile `current`: getliveinfo of an app without rooms (the seed profile answers errcode 1)',
  },
  not_subscribable: {
    errcode: Errcode.RoomStateForbids,
    status: 409,
    when: 'the room is live, ended, banned or expired: subscriptions are for rooms that have not started',
  },
  webpush_off: { errcode: Errcode.ApiUnauthorized, status: 404, when: 'the app does not deliver reminders by Web Push' },
};
