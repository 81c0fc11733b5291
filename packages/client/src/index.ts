/**
 * @zhibo/client — a small typed Node client for a merchant's server (S-API).
 * It keeps the access_token fresh and caches the room list, as SPEC S-API-4 tells merchants
 * to: getliveinfo and get_replay share 500 calls a day.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type {
  GetLiveInfoResponse,
  GetReplayResponse,
  LiveInfoRoom,
  ReplayItem,
  ReportOrderRequest,
  ReportOrderResponse,
  ReportRefundRequest,
  TokenResponse,
} from '@zhibo/protocol';

/** The wire types a merchant's code handles (rooms and goods in getliveinfo's shape, replay items, statuses). */
export type { LiveInfoRoom, LiveInfoGoods, ReplayItem, GetLiveInfoResponse, GetReplayResponse, LiveStatus } from '@zhibo/protocol';

export class ZhiboApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly path: string,
  ) {
    super(`${path}: errcode ${errcode}: ${errmsg}`);
  }
}

export interface ZhiboClientOptions {
  /** The zhibo server's base URL (where WeChat's is https://api.weixin.qq.com). */
  baseUrl: string;
  appid: string;
  appsecret: string;
  /** How long a room list stays fresh (ms). Default 60 s: 1,440 calls a day at most for one page… so keep it ≥ 3 min for 500/day. */
  roomListTtlMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export class ZhiboClient {
  private token: { value: string; expiresAt: number } | undefined;
  private tokenPending: Promise<string> | undefined;
  private readonly pages = new Map<string, Cached<{ rooms: LiveInfoRoom[]; total: number }>>();
  private readonly replays = new Map<string, Cached<{ replays: ReplayItem[]; total: number }>>();
  private readonly ttl: number;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly o: ZhiboClientOptions) {
    // 500 calls/day ≈ one every 173 s: the default keeps a single page well inside the quota.
    this.ttl = o.roomListTtlMs ?? 180_000;
    this.fetch = o.fetch ?? globalThis.fetch;
    this.now = o.now ?? Date.now;
  }

  /** A valid access_token, refreshed 5 minutes before it expires; concurrent callers share one request. */
  async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - 300_000 > this.now()) return this.token.value;
    if (!this.tokenPending) {
      this.tokenPending = (async () => {
        const u = new URL('/cgi-bin/token', this.o.baseUrl);
        u.search = new URLSearchParams({ grant_type: 'client_credential', appid: this.o.appid, secret: this.o.appsecret }).toString();
        const r = (await (await this.fetch(u)).json()) as Partial<TokenResponse> & { errcode?: number; errmsg?: string };
        if (!r.access_token) throw new ZhiboApiError(r.errcode ?? -1, r.errmsg ?? 'no access_token', '/cgi-bin/token');
        this.token = { value: r.access_token, expiresAt: this.now() + (r.expires_in ?? 7200) * 1000 };
        return r.access_token;
      })().finally(() => (this.tokenPending = undefined));
    }
    return this.tokenPending;
  }

  /** POST a WeChat API path with the token; retries once with a fresh token on 40001/42001. */
  async call<T extends { errcode?: number; errmsg?: string }>(path: string, body: unknown, retried = false): Promise<T> {
    const u = new URL(path, this.o.baseUrl);
    u.searchParams.set('access_token', await this.accessToken());
    const r = (await (
      await this.fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    ).json()) as T;
    if ((r.errcode === 40001 || r.errcode === 42001) && !retried) {
      this.token = undefined;
      return this.call<T>(path, body, true);
    }
    return r;
  }

  /** S-API-1: one page of rooms, served from the cache while fresh. errcode 1 (no room yet) is an empty list. */
  getLiveInfo(start = 0, limit = 10, { fresh = false } = {}): Promise<{ rooms: LiveInfoRoom[]; total: number }> {
    const key = `${start}:${limit}`;
    const hit = this.pages.get(key);
    if (hit && !fresh && this.now() - hit.at < this.ttl) return hit.value;
    const value = this.call<GetLiveInfoResponse>('/wxa/business/getliveinfo', { start, limit }).then((r) => {
      if (r.errcode === 1) return { rooms: [], total: 0 };
      if (r.errcode !== 0) throw new ZhiboApiError(r.errcode, r.errmsg, '/wxa/business/getliveinfo');
      return { rooms: r.room_info, total: r.total };
    });
    this.pages.set(key, { at: this.now(), value });
    value.catch(() => this.pages.delete(key));
    return value;
  }

  /** Every room, page by page (100 a call). */
  async allRooms(): Promise<LiveInfoRoom[]> {
    const out: LiveInfoRoom[] = [];
    for (let start = 0; ; start += 100) {
      const { rooms, total } = await this.getLiveInfo(start, 100);
      out.push(...rooms);
      if (rooms.length === 0 || out.length >= total) return out;
    }
  }

  /** S-API-3: replay segments of a room (cached like the room list). */
  getReplay(roomId: number, start = 0, limit = 10): Promise<{ replays: ReplayItem[]; total: number }> {
    const key = `${roomId}:${start}:${limit}`;
    const hit = this.replays.get(key);
    if (hit && this.now() - hit.at < this.ttl) return hit.value;
    const value = this.call<GetReplayResponse>('/wxa/business/getliveinfo', { action: 'get_replay', room_id: roomId, start, limit }).then(
      (r) => {
        if (r.errcode !== 0) throw new ZhiboApiError(r.errcode, r.errmsg, '/wxa/business/getliveinfo');
        return { replays: r.live_replay, total: r.total };
      },
    );
    this.replays.set(key, { at: this.now(), value });
    value.catch(() => this.replays.delete(key));
    return value;
  }

  /**
   * Report an order the live brought (zhibo's extension of the API): pass back what the room page gave your goods page
   * (room_id, openid, share_openid) with your order id and the amount in fen. Idempotent by order_id: a repeat (a
   * retry after a timeout) changes nothing and resolves `{duplicate: true}`. The console's numbers show GMV and
   * conversion per product and per sharer.
   */
  async reportOrder(order: ReportOrderRequest): Promise<{ duplicate: boolean }> {
    const path = '/wxaapi/broadcast/order/report';
    const r = await this.call<ReportOrderResponse>(path, order);
    if (r.errcode !== 0) throw new ZhiboApiError(r.errcode, r.errmsg, path);
    return { duplicate: r.duplicate === 1 };
  }

  /** Report money given back on a reported order (it subtracts from GMV); idempotent by (order_id, refund_id). */
  async reportRefund(refund: ReportRefundRequest): Promise<{ duplicate: boolean }> {
    const path = '/wxaapi/broadcast/order/refund';
    const r = await this.call<ReportOrderResponse>(path, refund);
    if (r.errcode !== 0) throw new ZhiboApiError(r.errcode, r.errmsg, path);
    return { duplicate: r.duplicate === 1 };
  }

  /** Forget cached lists (e.g. after the merchant created a room). */
  invalidate(): void {
    this.pages.clear();
    this.replays.clear();
  }
}

/** The key a merchant signs viewer tokens and checks webhooks with, derived from its appsecret. */
export function signKey(appsecret: string): string {
  return createHash('sha256').update(`zhibo-sign\0${appsecret}`).digest('hex');
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * A viewer token for the room page (HS256 JWT, `sub` = your user id): the viewer's openid
 * then follows your user, not the device. Sign on your server; never ship the appsecret to a browser.
 */
export function signViewerToken(
  appsecret: string,
  sub: string,
  ttlSec = 3600,
  nowSec = Math.floor(Date.now() / 1000),
  claims: { nick?: string } = {},
): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  // `nick`: the viewer's display name in the room's chat (cleaned and cut to 24 characters by the server)
  const body = b64url(JSON.stringify({ sub, iat: nowSec, exp: nowSec + ttlSec, ...(claims.nick ? { nick: claims.nick } : {}) }));
  const sig = createHmac('sha256', signKey(appsecret)).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/**
 * Check a reminder webhook from zhibo (issue 6): `signatureHeader` is the `X-Zhibo-Signature`
 * header (`sha256=<hex>`), `rawBody` the request body exactly as received (before JSON parsing).
 * True when it was signed with your app's key. Then drop repeats by the body's `idempotency_key`:
 * delivery is at-least-once, so the same reminder can arrive twice after a crash or a timeout.
 */
export function verifyWebhook(
  appsecret: string,
  rawBody: string | Uint8Array,
  signatureHeader: string | string[] | undefined | null,
): boolean {
  const header = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader;
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7), 'hex');
  const expected = createHmac('sha256', signKey(appsecret)).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
