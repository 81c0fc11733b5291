/**
 * Viewer identity: openids derived per app
 * (S-API-PLUGIN-2: stable per app and viewer, different across apps, not reversible),
 * signed share_openid (S-PARAMS), and merchant-signed viewer tokens (JWT HS256).
 */
import { jwtVerify } from 'jose';
import { hmacB64url, safeEqual } from '../../lib/crypto.js';
import { OPENID_RE } from '../../lib/ids.js';
import type { AppService } from '../apps/service.js';

/** A viewer as the server knows them: a device id (anonymous) or the merchant's user id. */
export type ViewerIdentity = { kind: 'device'; id: string } | { kind: 'user'; id: string };

/** The longest a viewer token may be valid for: its `exp` at most this far ahead (30 days). */
export const VIEWER_TOKEN_MAX_TTL_SEC = 30 * 86_400;

export class IdentityService {
  constructor(
    /** installation secret (meta table): openids and share signatures derive from it */
    private readonly installKey: string,
    private readonly apps: AppService,
  ) {}

  /** S-API-PLUGIN-2: 28 characters like WeChat's, 'o' + HMAC(installKey, appid ‖ viewer). */
  openid(appid: string, who: ViewerIdentity): string {
    return `o${hmacB64url(this.installKey, `openid\0${appid}\0${who.kind}\0${who.id}`).slice(0, 27)}`;
  }

  /** S-PARAMS: share_openid travels with a signature so that it can not be forged. */
  signShare(roomId: number, shareOpenid: string): string {
    return hmacB64url(this.installKey, `share\0${roomId}\0${shareOpenid}`).slice(0, 22);
  }

  verifyShare(roomId: number, shareOpenid: string, sig: string): boolean {
    return OPENID_RE.test(shareOpenid) && safeEqual(this.signShare(roomId, shareOpenid), sig);
  }

  /**
   * Who is asking: a viewer token (JWT HS256 signed with the app's sign key, `sub` = the merchant's user id, `exp`
   * required and at most 30 days ahead) when given and valid; else the device id. Undefined: neither usable.
   */
  async viewer(appid: string, deviceId: string | undefined, viewerToken: string | undefined): Promise<ViewerIdentity | undefined> {
    if (viewerToken) {
      const app = await this.apps.get(appid);
      if (!app) return undefined;
      try {
        // Tokens must expire (issue 10): no `exp`, or one more than VIEWER_TOKEN_MAX_TTL_SEC ahead, is refused.
        const { payload } = await jwtVerify(viewerToken, new TextEncoder().encode(app.sign_key), {
          algorithms: ['HS256'],
          requiredClaims: ['exp'],
        });
        if (typeof payload.exp !== 'number' || payload.exp > Date.now() / 1000 + VIEWER_TOKEN_MAX_TTL_SEC) return undefined;
        if (typeof payload.sub === 'string' && payload.sub.length > 0 && payload.sub.length <= 128)
          return { kind: 'user', id: payload.sub };
      } catch {
        return undefined;
      }
      return undefined;
    }
    if (deviceId && /^[A-Za-z0-9_-]{8,64}$/.test(deviceId)) return { kind: 'device', id: deviceId };
    return undefined;
  }
}
