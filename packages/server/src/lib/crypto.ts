import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');
export const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');
export const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');
export const hmacB64url = (key: string | Buffer, data: string): string => createHmac('sha256', key).update(data).digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/**
 * The appsecret is never stored. We keep two one-way derivations of it:
 * - verify: checks a secret presented to /cgi-bin/token;
 * - sign key: the HMAC key for what the merchant signs or checks with its secret
 *   (viewer tokens, webhooks). @zhibo/client derives the same key from the secret.
 */
export const secretVerifier = (appsecret: string): string => sha256hex(`zhibo-verify\0${appsecret}`);
export const signKeyOf = (appsecret: string): string => sha256hex(`zhibo-sign\0${appsecret}`);
