/**
 * WeChat errcodes zhibo answers with (docs/wechat-reference.md). Values are WeChat's and never reused.
 * docs/errors.md is generated from the reasons that map to these (npm run docs) and checked by a test.
 */
export const Errcode = {
  Ok: 0,
  SystemBusy: -1,
  /** S-API-2: the seed's "no room created yet". */
  NoRoom: 1,
  InvalidCredential: 40001,
  InvalidGrantType: 40002,
  InvalidAppid: 40013,
  InvalidAppsecret: 40125,
  InvalidParameter: 40097,
  AccessTokenMissing: 41001,
  AccessTokenExpired: 42001,
  EmptyPostData: 44002,
  QuotaExceeded: 45009,
  DataFormatError: 47001,
  ApiUnauthorized: 48001,
  BadParameter: 200002,
  EditForbidden: 300001,
  NameLengthInvalid: 300002,
  PriceInvalid: 300003,
  GoodsNameViolation: 300004,
  ImageUploadFailed: 300006,
  GoodsUrlInvalid: 300007,
  RoomNotFound: 300022,
  RoomStateForbids: 300023,
  GoodsNotFound: 300024,
  GoodsNotApproved: 300025,
  RoomGoodsFull: 300026,
  CoverImageInvalid: 300031,
  ShareImageInvalid: 300032,
  AnchorNameLengthInvalid: 300034,
  MediaNotFound: 40007,
  /** an unknown API path or method */
  InvalidUrl: 40066,
  InvalidMediaType: 40004,
  /** a known API path called with POST where it takes GET */
  RequireGet: 43001,
  /** a known API path called with GET where it takes POST */
  RequirePost: 43002,
  MinuteQuota: 45011,
  AuditWithdrawFailed: 300009,
  AuditStateWrong: 300010,
  GoodsNotApiCreated: 300011,
  AuditQuotaExceeded: 300012,
  GoodsInReview: 300014,
  GoodsNotInReview: 300017,
  AnchorNotVerified: 300036,
  KfNotConfigured: 300038,
  EditWhilePushing: 300042,
  /** goods/getVideo: the product was never explained in the live */
  NoExplanationVideo: 300044,
  /** goods/getVideo: the explanation clip is not made yet (the live has not ended, or it is being cut) */
  ExplanationVideoPending: 300045,
  /** goods/getVideo: the clip is gone (expired with the replay) or could not be made */
  ExplanationVideoGone: 300046,
  MemberIdInvalid: 400001,
  RoleLimit: 400003,
  RoleDuplicate: 400004,
  SubAnchorInvalid: 500001,
  SubAnchorNotVerified: 500002,
  SubAnchorExists: 500003,
  SubAnchorDuplicate: 500004,
  SubAnchorIsAnchor: 500005,
  AssistantExists: 600001,
  AssistantNotFound: 600002,
  /** the `current` profile's answer for an app without rooms */
  EmptyRoomList: 9410000,
  PushOtherRoomToday: 9410005,
  PushRoomNotLive: 9410006,
} as const;
export type Errcode = (typeof Errcode)[keyof typeof Errcode];

export interface ErrcodeInfo {
  errmsg: string;
  http: number;
  description: string;
  /** WeChat's errmsg for this code is the specific sentence alone (e.g. `parameter coverImg must no be null`) */
  bare?: boolean;
}

export const ERRCODES: Record<Errcode, ErrcodeInfo> = {
  0: { errmsg: 'ok', http: 200, description: 'success' },
  [-1]: { errmsg: 'system error', http: 200, description: 'internal error; retry later' },
  1: { errmsg: 'no room', http: 200, description: 'S-API-2: the app has created no room yet' },
  40001: {
    errmsg: 'invalid credential, access_token is invalid or not latest',
    http: 200,
    description: 'access_token unknown, replaced, or of another app',
  },
  40002: { errmsg: 'invalid grant_type', http: 200, description: 'grant_type is not client_credential' },
  40007: { errmsg: 'invalid media_id', http: 200, description: 'media_id unknown, expired (3 days) or of another app' },
  40066: { errmsg: 'invalid url', http: 200, description: 'the path or method is not an API (an unknown route)' },
  40013: { errmsg: 'invalid appid', http: 200, description: 'no such appid' },
  40097: { errmsg: 'invalid args', http: 200, description: 'an argument is out of range (e.g. limit not in 1..100, start < 0)' },
  40125: { errmsg: 'invalid appsecret', http: 200, description: 'appsecret does not match the appid' },
  41001: { errmsg: 'access_token missing', http: 200, description: 'no access_token query parameter' },
  42001: { errmsg: 'access_token expired', http: 200, description: 'the token is older than expires_in' },
  44002: { errmsg: 'empty post data', http: 200, description: 'a POST call came with no body' },
  45009: {
    errmsg: 'reach max api daily quota limit',
    http: 200,
    description: 'S-API-4: the daily quota (default 500, shared by getliveinfo and get_replay) is used up; resets 00:00 Asia/Shanghai',
  },
  47001: { errmsg: 'data format error', http: 200, description: 'the body is not valid JSON, or a field has the wrong type' },
  48001: { errmsg: 'api unauthorized', http: 200, description: 'the caller may not use this API' },
  200002: {
    errmsg: 'invalid parameter',
    http: 200,
    description: 'a parameter is invalid (e.g. startTime/endTime out of range)',
    bare: true,
  },
  300001: { errmsg: 'edit forbidden', http: 200, description: 'the room or goods can no longer be edited in its state' },
  300002: { errmsg: 'name length invalid', http: 200, description: 'name length out of range (CJK counts 2)' },
  300003: {
    errmsg: 'price invalid',
    http: 200,
    description: 'price missing, negative, more than 2 decimals, or inconsistent with priceType',
  },
  300004: { errmsg: 'goods name invalid', http: 200, description: 'goods name empty or too long (≤ 14 CJK characters)' },
  300006: {
    errmsg: 'image upload failed',
    http: 200,
    description: 'the image media_id/URL is unusable (expired, unknown, not an image, too large)',
  },
  300007: { errmsg: 'goods url invalid', http: 200, description: 'goods url empty or too long' },
  300022: { errmsg: 'room does not exist', http: 200, description: 'no such room for this app' },
  300023: {
    errmsg: 'room state forbids the operation',
    http: 200,
    description: 'the room status does not allow it (e.g. deleting a live room)',
  },
  300024: { errmsg: 'goods does not exist', http: 200, description: 'no such goods for this app' },
  300025: { errmsg: 'goods not approved', http: 200, description: 'goods still in review cannot be added to a room' },
  300026: { errmsg: 'room goods list is full', http: 200, description: 'a room holds at most 500 goods' },
  300031: { errmsg: 'cover image invalid', http: 200, description: 'coverImg missing, too large (> 2 MB) or not an image' },
  300032: { errmsg: 'share image invalid', http: 200, description: 'shareImg missing, too large (> 1 MB) or not an image' },
  43001: { errmsg: 'require GET method', http: 200, description: 'a GET API was called with another method' },
  43002: { errmsg: 'require POST method', http: 200, description: 'a POST API was called with another method' },
  300009: { errmsg: 'goods audit withdraw failed', http: 200, description: "resetaudit: the auditId is not the goods' current review" },
  300010: {
    errmsg: 'goods audit status wrong',
    http: 200,
    description:
      "the goods' review state does not allow it (resubmitting goods in review or approved; editing goods in review; changing more than prices of approved goods)",
  },
  300011: {
    errmsg: 'goods not created by the API',
    http: 200,
    description: 'the API may not review, edit or delete goods created in the console (thirdPartyTag 0)',
  },
  300012: { errmsg: 'no audit quota left', http: 200, description: 'goods/add and goods/audit share 500 review submissions a day per app' },
  300014: { errmsg: 'goods in review cannot be deleted', http: 200, description: 'withdraw the review first (goods/resetaudit)' },
  300017: { errmsg: 'goods is not auditing', http: 200, description: 'resetaudit of goods that is not in review' },
  9410005: {
    errmsg: 'another room was pushed today',
    http: 200,
    description: 'push_message: the app already pushed another room today (one room per day, Asia/Shanghai)',
  },
  9410006: { errmsg: 'room is not live', http: 200, description: 'push_message: only a live room (101) can be pushed to followers' },
  300044: {
    errmsg: 'goods has no explanation video',
    http: 200,
    description: 'goods/getVideo: the product was not presented in the live (or its markers were removed)',
  },
  300045: {
    errmsg: 'explanation video not generated yet',
    http: 200,
    description: 'goods/getVideo: the live has not ended, or the clip is being cut (seconds after the end)',
  },
  300046: {
    errmsg: 'explanation video unavailable',
    http: 200,
    description: 'goods/getVideo: the clip expired with the replay (a year), the replay is closed, or cutting it failed',
  },
  300034: { errmsg: 'anchor name length invalid', http: 200, description: 'anchorName length out of range (CJK counts 2)' },
  40004: { errmsg: 'invalid media type', http: 200, description: 'media upload: `type` is not image' },
  45011: {
    errmsg: 'api minute-quota reach limit mustslower retry next minute',
    http: 200,
    description: 'stable_token force_refresh again within 30 seconds',
  },
  300036: {
    errmsg: 'anchorWechat has no anchor role',
    http: 200,
    description: 'role checks on: the anchor named in the room does not hold the anchor role',
  },
  300038: { errmsg: 'customer service is not configured', http: 200, description: 'closeKf 0 while the app has no customer-service URL' },
  300042: {
    errmsg: 'room is pushing, edit forbidden',
    http: 200,
    description: 'the room is live (pushing, paused or abnormal): it cannot be edited',
  },
  400001: { errmsg: 'invalid username', http: 200, description: 'the WeChat id (username) is malformed' },
  400003: { errmsg: 'role limit reached', http: 200, description: 'at most 10 admins, 500 anchors and 500 operators' },
  400004: { errmsg: 'role already added', http: 200, description: 'the user already holds that role' },
  500001: { errmsg: 'invalid sub anchor username', http: 200, description: 'the sub-anchor WeChat id is malformed' },
  500002: {
    errmsg: 'sub anchor has no anchor role',
    http: 200,
    description: 'role checks on: the sub-anchor does not hold the anchor role',
  },
  500003: { errmsg: 'sub anchor already set', http: 200, description: 'the room already has a sub-anchor (use modifysubanchor)' },
  500004: { errmsg: 'sub anchor duplicated', http: 200, description: "that user is already the room's sub-anchor" },
  500005: { errmsg: 'sub anchor is the anchor', http: 200, description: "the sub-anchor cannot be the room's anchor" },
  600001: { errmsg: 'user is already an assistant', http: 200, description: 'the user is already an assistant of the room' },
  600002: { errmsg: 'assistant not found', http: 200, description: 'no such assistant in the room' },
  9410000: { errmsg: 'empty room list', http: 200, description: 'profile `current`: getliveinfo of an app without rooms' },
};

export function errmsgOf(code: Errcode): string {
  return ERRCODES[code].errmsg;
}
