/** EasyWeChat 4.x (branch 4.x, last commit 2023-04): the MiniProgram Broadcast client has 11 live calls (plus the deprecated Live client duplicating getRooms/getPlaybacks). */
import type { SdkProfile, SdkTransport } from '../types.js';
import * as C from './easywechat-calls.js';

/** Guzzle with http_errors on; Kernel\Http\Response::toArray(); BaseClient::retryMiddleware. Same in 4.x and 5.x. */
export const EASYWECHAT_TRANSPORT: SdkTransport = {
  httpError: 'Guzzle http_errors: 4xx → ClientException, 5xx → ServerException (thrown to the caller)',
  nonJson:
    'castResponseToType → Response::toArray(): json_decode fails → [] (an empty array, no error); a body starting <xml is parsed as XML',
  tokenRetry: 'retry middleware: errcode 40001/40014/42001 → access token refreshed, request retried once (http.max_retries 1)',
  tokenPlacement: 'query, first: access_token=…&… (AccessToken::applyToRequest re-encodes the query with http_build_query)',
};

export const EASYWECHAT4: SdkProfile = {
  id: 'easywechat4',
  name: 'EasyWeChat 4.x (overtrue/wechat)',
  version: '4.x branch',
  repo: 'w7corp/easywechat',
  commit: '92791f5d957269c633b9aa175f842f6006f945b1',
  transport: EASYWECHAT_TRANSPORT,
  calls: [
    C.TOKEN,
    C.MEDIA_UPLOAD,
    C.GOODS_ADD,
    C.GOODS_RESETAUDIT,
    C.GOODS_AUDIT,
    C.GOODS_DELETE,
    C.GOODS_UPDATE,
    C.GOODS_WAREHOUSE,
    C.GOODS_APPROVED,
    C.ROOM_ADDGOODS,
    C.LIVE_LIST,
    C.LIVE_REPLAY,
    C.ROOM_CREATE,
  ],
};
