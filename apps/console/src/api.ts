/** The console API client: JSON, the session cookie (sent by the browser) and the CSRF header. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface Account {
  id: number;
  login: string;
  name: string;
  role: 'operator' | 'merchant';
  /** signed in with a generated password: the console only offers "My password" until it is changed */
  mustChangePassword?: boolean;
}

export class Api {
  csrf = '';
  /** called when the session has ended (401): the app shows the sign-in page */
  onSignedOut: () => void = () => {};

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let r: Response;
    try {
      r = await fetch(`/console/api${path}`, { method, headers, body: payload, credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection; the page keeps trying.');
    }
    const text = await r.text();
    let data: unknown = {};
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      data = {};
    }
    if (!r.ok) {
      const e = data as { error?: string; message?: string; fields?: Record<string, string> };
      if (r.status === 401 && path !== '/session' && path !== '/login') this.onSignedOut();
      throw new ApiError(r.status, e.error ?? 'error', e.message ?? `The server answered ${r.status}`, e.fields ?? {});
    }
    return data as T;
  }
  get = <T = Record<string, unknown>>(p: string) => this.call<T>('GET', p);
  post = <T = Record<string, unknown>>(p: string, b: unknown = {}) => this.call<T>('POST', p, b);
  put = <T = Record<string, unknown>>(p: string, b: unknown = {}) => this.call<T>('PUT', p, b);
  del = <T = Record<string, unknown>>(p: string) => this.call<T>('DELETE', p);
}
