/** The anchor API client: JSON, the room's anchor cookie (sent by the browser), the anti-CSRF header on POST. */
import { ANCHOR_CSRF_HEADER } from '@zhibo/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'POST') {
    headers[ANCHOR_CSRF_HEADER] = '1';
    headers['content-type'] = 'application/json';
  }
  let r: Response;
  try {
    r = await fetch(path, {
      method,
      headers,
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', '网络不可用 · The server cannot be reached');
  }
  let data: unknown = {};
  try {
    data = await r.json();
  } catch {
    data = {};
  }
  if (!r.ok) {
    const e = data as { error?: string; message?: string };
    throw new ApiError(r.status, e.error ?? 'error', e.message ?? `The server answered ${r.status}`);
  }
  return data as T;
}
