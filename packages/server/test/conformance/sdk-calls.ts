/**
 * What real WeChat SDKs send for the live API and what their response parsers need, as typed data
 * (docs/wechat-reference.md explains every item and where each call was read). run.ts replays it.
 */
import { EASYWECHAT4 } from './sdks/easywechat4.js';
import { EASYWECHAT5 } from './sdks/easywechat5.js';
import { NODE_EASYWECHAT2 } from './sdks/node-easywechat2.js';
import { POWERWECHAT } from './sdks/powerwechat.js';
import { WECHAT_SAMPLES } from './sdks/wechat-samples.js';
import { WXJAVA } from './sdks/wxjava.js';
import type { SdkProfile } from './types.js';

export { ITEMS, type ItemId } from './items.js';
export type * from './types.js';

export const SDK_PROFILES: readonly SdkProfile[] = [WXJAVA, EASYWECHAT4, EASYWECHAT5, NODE_EASYWECHAT2, POWERWECHAT, WECHAT_SAMPLES];
