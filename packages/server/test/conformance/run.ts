/**
 * The conformance runner: sends every SDK call of sdk-calls.ts exactly as that SDK builds it (same method, path,
 * query string, Content-Type and body bytes, fixture values filled in) and checks each answer against that SDK's
 * response contract. Returns one result per call and an SDK × item matrix.
 */
import { checkAnswer, type CallStatus, type Verdict } from './check.js';
import { ITEMS, type ItemId } from './items.js';
import { SDK_PROFILES } from './sdk-calls.js';
import type { Placeholder, SdkCall, SdkId, SdkProfile } from './types.js';

/** Ways to make the things calls act on. Every call gets fresh rooms and goods. */
export interface Fixtures {
  appid: string;
  secret: string;
  /** a valid access_token */
  token(): Promise<string>;
  /** a media_id of an uploaded image */
  media(): Promise<string>;
  /** a new room (not started) */
  room(): Promise<number>;
  /** a new goods in the library, with its review id: approved (what most calls act on), or still in review (for goods/resetaudit) */
  goods(state?: 'approved' | 'in_review'): Promise<{ goodsId: number; auditId: number }>;
  /** a planned window that room/create and room/editroom accept now */
  times(): { startTime: number; endTime: number };
  /** image bytes for uploads */
  png(): Uint8Array;
  /** called before every call: app-wide state one call leaves (e.g. member roles) must not decide the next one */
  reset?(): Promise<void>;
}

export interface CallResult {
  sdk: SdkId;
  item: ItemId;
  variant?: string;
  sdkMethod: string;
  request: { method: string; url: string; contentType?: string; body?: string };
  /** the answer as received (body cut at 2000 characters) */
  answer?: { status: number; contentType: string; text: string };
  verdict: Verdict;
}

export type Cell = CallStatus | 'absent';

export interface ConformanceReport {
  results: CallResult[];
  /** sdk → item → worst status of its calls ('absent' when the SDK has no call for the item) */
  matrix: Record<SdkId, Record<ItemId, Cell>>;
}

export interface RunOptions {
  sdks?: readonly SdkId[];
  items?: readonly ItemId[];
  /** per request, ms (default 15000) */
  timeoutMs?: number;
}

type Values = Partial<Record<Placeholder, string>>;

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
/** PHP urlencode(): what http_build_query does to a value. */
export const phpUrlencode = (s: string) =>
  encodeURIComponent(s)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

/** Replace {{placeholders}}; `enc` escapes a value for the context (JSON string, form value, query value). */
export function fill(template: string, values: Values, enc: (v: string) => string): string {
  return template.replace(PLACEHOLDER, (m, name: string) => {
    const v = values[name as Placeholder];
    if (v === undefined) throw new Error(`no fixture value for ${m}`);
    return enc(v);
  });
}

const jsonEscape = (v: string) => JSON.stringify(v).slice(1, -1);

/** Placeholders a call (and the calls it sets up) needs. */
function needs(calls: SdkCall[]): Set<Placeholder> {
  const out = new Set<Placeholder>();
  for (const c of calls) {
    const text = [c.path, c.body ?? '', ...c.query.map((q) => q.wire)].join(' ');
    for (const m of text.matchAll(PLACEHOLDER)) out.add(m[1] as Placeholder);
    if (c.content === 'multipart' || c.query.some((q) => q.kind === 'token')) out.add('token');
  }
  return out;
}

async function resolve(want: Set<Placeholder>, fx: Fixtures, goodsState: 'approved' | 'in_review'): Promise<Values> {
  const v: Values = { appid: fx.appid, secret: fx.secret };
  if (want.has('token')) v.token = await fx.token();
  if (want.has('media')) v.media = await fx.media();
  if (want.has('roomId')) v.roomId = String(await fx.room());
  if (want.has('goodsId') || want.has('auditId')) {
    const g = await fx.goods(goodsState);
    v.goodsId = String(g.goodsId);
    v.auditId = String(g.auditId);
  }
  if (want.has('goodsId2')) v.goodsId2 = String((await fx.goods()).goodsId);
  const t = fx.times();
  v.startTime = String(t.startTime);
  v.endTime = String(t.endTime);
  return v;
}

/** Send one call as its SDK does. */
async function send(
  base: string,
  call: SdkCall,
  v: Values,
  fx: Fixtures,
  timeoutMs: number,
): Promise<{ request: CallResult['request']; status: number; contentType: string; text: string }> {
  const query = call.query
    .map((q) => `${q.name}=${fill(q.wire, v, q.kind === 'raw' || q.kind === 'integer' ? (s) => s : encodeURIComponent)}`)
    .join('&');
  const url = `${base.replace(/\/$/, '')}${call.path}${query ? `?${query}` : ''}`;
  const headers: Record<string, string> = {};
  let body: string | FormData | undefined;
  let shown: string | undefined;
  if (call.content === 'json' || call.content === 'form') {
    body = fill(call.body ?? '', v, call.content === 'json' ? jsonEscape : phpUrlencode);
    shown = body;
    if (call.contentType) headers['content-type'] = call.contentType;
  } else if (call.content === 'multipart' && call.file) {
    const fd = new FormData();
    fd.append(call.file.field, new Blob([new Uint8Array(fx.png())], { type: call.file.type }), call.file.filename);
    body = fd;
    shown = `multipart: ${call.file.field}=@${call.file.filename} (${call.file.type})`;
  }
  const request = { method: call.method, url, contentType: call.contentType, body: shown };
  try {
    const res = await fetch(url, { method: call.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return { request, status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
  } catch (e) {
    return { request, status: 0, contentType: '', text: `request failed: ${(e as Error).message}` };
  }
}

const samples = SDK_PROFILES.find((p) => p.id === 'wechat-samples');
/** The call that sets an item up: WeChat's own sample for it. */
function setupCall(item: ItemId): SdkCall {
  const c = samples?.calls.find((x) => x.item === item && !x.variant);
  if (!c) throw new Error(`no sample call to set up ${item}`);
  return c;
}

async function runCall(base: string, profile: SdkProfile, call: SdkCall, fx: Fixtures, timeoutMs: number): Promise<CallResult> {
  const setups = (call.setup ?? []).map(setupCall);
  const result = (verdict: Verdict, request: CallResult['request'], answer?: CallResult['answer']): CallResult => ({
    sdk: profile.id,
    item: call.item,
    variant: call.variant,
    sdkMethod: call.sdkMethod,
    request,
    answer,
    verdict,
  });
  let values: Values;
  try {
    await fx.reset?.();
    // WeChat's goods/resetaudit withdraws a review in progress: calls that start with it act on goods in review.
    const inReview = [call, ...setups].some((c) => c.item === 'goods_resetaudit');
    values = await resolve(needs([call, ...setups]), fx, inReview ? 'in_review' : 'approved');
  } catch (e) {
    return result({ status: 'fail', reasons: [`fixture failed: ${(e as Error).message}`] }, { method: call.method, url: call.path });
  }
  const setupNotes: string[] = [];
  for (const s of setups) {
    const a = await send(base, s, values, fx, timeoutMs);
    const v = checkAnswer(a, s.response, samples?.transport ?? profile.transport);
    if (v.status === 'fail') setupNotes.push(`setup ${s.item} failed: ${v.reasons[0]}`);
  }
  const a = await send(base, call, values, fx, timeoutMs);
  const verdict = checkAnswer(a, call.response, profile.transport);
  if (verdict.status !== 'pass') verdict.reasons.push(...setupNotes);
  // The test token is echoed by some 404 bodies: keep it out of reports.
  const hide = (t: string) => (values.token ? t.split(values.token).join('…') : t);
  verdict.reasons = verdict.reasons.map(hide);
  return result(
    verdict,
    { ...a.request, url: hide(a.request.url) },
    { status: a.status, contentType: a.contentType, text: hide(a.text.slice(0, 2000)) },
  );
}

const RANK: Record<Cell, number> = { absent: 0, pass: 1, conflict: 2, fail: 3 };

/** Run every selected SDK call against `baseUrl`, one at a time. */
export async function runConformance(baseUrl: string, fx: Fixtures, opts: RunOptions = {}): Promise<ConformanceReport> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const profiles = SDK_PROFILES.filter((p) => !opts.sdks || opts.sdks.includes(p.id));
  const results: CallResult[] = [];
  const matrix = {} as Record<SdkId, Record<ItemId, Cell>>;
  for (const p of profiles) {
    const row = Object.fromEntries(ITEMS.map((i) => [i.id, 'absent'])) as Record<ItemId, Cell>;
    for (const call of p.calls) {
      if (opts.items && !opts.items.includes(call.item)) continue;
      const r = await runCall(baseUrl, p, call, fx, timeoutMs);
      results.push(r);
      if (RANK[r.verdict.status] > RANK[row[call.item]]) row[call.item] = r.verdict.status;
    }
    matrix[p.id] = row;
  }
  return { results, matrix };
}
