/**
 * Types of the WeChat live API conformance data (docs/wechat-reference.md).
 * The data says what real SDKs send and what their response parsers need; run.ts replays it against a server.
 */
import type { ItemId } from './items.js';

export type SdkId = 'wxjava' | 'easywechat4' | 'easywechat5' | 'node-easywechat2' | 'powerwechat' | 'wechat-samples';

/**
 * Placeholders in paths, query values and bodies, replaced by run.ts with fixture values:
 * `{{token}} {{appid}} {{secret}} {{media}} {{roomId}} {{goodsId}} {{goodsId2}} {{auditId}} {{startTime}} {{endTime}}`.
 * In a JSON body a number placeholder stands bare (`"roomId":{{roomId}}`), a string one inside quotes.
 */
export type Placeholder = 'token' | 'appid' | 'secret' | 'media' | 'roomId' | 'goodsId' | 'goodsId2' | 'auditId' | 'startTime' | 'endTime';

/** How a query value is put on the wire. */
export type ValueKind =
  | 'token' // the access_token
  | 'integer' // decimal digits
  | 'string' // text, percent-encoded as the SDK's URL builder does
  | 'double-encoded' // an already URL-encoded text encoded once more by the SDK's URL builder
  | 'raw'; // put on the wire unencoded (WxJava joins query pairs without encoding)

export interface QueryParam {
  name: string;
  /** the value exactly as it appears on the wire (already encoded), with placeholders */
  wire: string;
  kind: ValueKind;
}

/** Request body kinds: JSON, PHP-style form (`http_build_query`), a multipart upload, or nothing. */
export type ContentKind = 'json' | 'form' | 'multipart' | 'none';

/**
 * JSON types a parser accepts for a field:
 * `int` a JSON integer (Go int, strict); `int~` an integer or a string of digits (Gson Integer/Long);
 * `num` any JSON number; `price` a number with at most 2 decimals (yuan); `price~` the same, or such a number as a string (Gson BigDecimal);
 * `str` a JSON string; `str~` a string, number or boolean (Gson String); `bool`; `array`; `object`; `any` present with any type.
 */
export type JsonType = 'int' | 'int~' | 'num' | 'price' | 'price~' | 'str' | 'str~' | 'bool' | 'array' | 'object' | 'any';

/**
 * `required`: the SDK fails (exception) without it. `expected`: a bean/struct field the caller reads (missing → null/zero, silently wrong).
 * `optional`: WeChat sends it only sometimes; checked only when present.
 */
export type Presence = 'required' | 'expected' | 'optional';

export interface FieldRule {
  /** dotted path; `[]` walks every element of an array: `room_info[].goods[].price` */
  path: string;
  type: JsonType;
  presence: Presence;
  /** this rule is the SDK's own expectation and contradicts what WeChat sends (an SDK bug): a mismatch is reported as a conflict */
  conflict?: string;
}

export interface ResponseContract {
  /** how the SDK reads `errcode`: must be a number and present / number when present / anything */
  errcode: 'required' | 'optional';
  /** true: the SDK itself raises an error when errcode != 0; false: it returns the body and the caller must look */
  throwsOnErrcode: boolean;
  fields: FieldRule[];
  /** errcodes that are WeChat's correct answer for the fixture (e.g. a goods without an explanation video): they count as a pass */
  acceptErrcodes?: number[];
  /** errcodes that must come back (probes of error paths); errcode 0 is then a failure */
  expectErrcodes?: number[];
}

export interface SdkCall {
  item: ItemId;
  /** a short label when an SDK has several calls for one item */
  variant?: string;
  /** the SDK's method, as a caller writes it */
  sdkMethod: string;
  method: 'GET' | 'POST';
  path: string;
  query: QueryParam[];
  content: ContentKind;
  /** the Content-Type header the SDK sends (exact) */
  contentType?: string;
  /** the exact body, with placeholders; form bodies are PHP `http_build_query` output */
  body?: string;
  /** the multipart file part, for uploads */
  file?: { field: string; filename: string; type: string };
  /** items sent first (as WeChat's own samples send them) so that this call has something to act on */
  setup?: ItemId[];
  response: ResponseContract;
  /** repository and path the call was read from */
  source: string;
  notes?: string[];
}

export interface SdkTransport {
  /** what a non-2xx HTTP status becomes */
  httpError: string;
  /** what a 200 body that is not JSON becomes */
  nonJson: string;
  /** token errors the SDK reacts to by itself */
  tokenRetry: string;
  /** how the access_token reaches the request */
  tokenPlacement: string;
}

export interface SdkProfile {
  id: SdkId;
  name: string;
  version: string;
  repo: string;
  /** the commit the calls were read from */
  commit: string;
  transport: SdkTransport;
  calls: SdkCall[];
}
