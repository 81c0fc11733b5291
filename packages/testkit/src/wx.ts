/** A typed client for WeChat-shaped calls in tests, with an expected HTTP status. */
export interface WxBody {
  errcode?: number;
  errmsg?: string;
  [k: string]: unknown;
}

export class WxApi {
  constructor(readonly baseUrl: string) {}

  async token(appid: string, secret: string): Promise<string> {
    const r = await this.get('/cgi-bin/token', { grant_type: 'client_credential', appid, secret });
    if (typeof r.access_token !== 'string') throw new Error(`no token: ${JSON.stringify(r)}`);
    return r.access_token;
  }

  async get(path: string, query: Record<string, string | number> = {}, expectedStatus = 200): Promise<WxBody> {
    const u = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
    const res = await fetch(u);
    if (res.status !== expectedStatus)
      throw new Error(`GET ${path}: status ${res.status}, expected ${expectedStatus}: ${await res.text()}`);
    return (await res.json()) as WxBody;
  }

  /** POST raw text or a JSON value. */
  async post(path: string, body: unknown, query: Record<string, string | number> = {}, expectedStatus = 200): Promise<WxBody> {
    const u = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, String(v));
    const res = await fetch(u, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (res.status !== expectedStatus)
      throw new Error(`POST ${path}: status ${res.status}, expected ${expectedStatus}: ${await res.text()}`);
    return (await res.json()) as WxBody;
  }

  async upload(token: string, bytes: Buffer, filename = 'a.png', type = 'image/png'): Promise<WxBody> {
    const fd = new FormData();
    fd.append('media', new Blob([new Uint8Array(bytes)], { type }), filename);
    const res = await fetch(new URL(`/cgi-bin/media/upload?type=image&access_token=${encodeURIComponent(token)}`, this.baseUrl), {
      method: 'POST',
      body: fd,
    });
    return (await res.json()) as WxBody;
  }
}
