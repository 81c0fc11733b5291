/** The identity module's plugin routes: the viewer's openid (S-API-PLUGIN-2) and share parameters (S-API-PLUGIN-3). */
import { PluginRoutes, Reason } from '@zhibo/protocol';
import { CUSTOM_PARAMS_MAX } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import type { PluginRouter } from '../../http/plugin-api.js';
import type { IdentityService } from './service.js';

export function pluginRoutes(r: PluginRouter, identity: IdentityService): void {
  r.route({
    method: 'GET',
    path: PluginRoutes.openid,
    roomFrom: 'query',
    viewer: true,
    handler: async ({ viewer }) => ({ openid: viewer!.openid }),
  });

  // S-API-PLUGIN-3: the share parameters of an entry through a share card. The SDK passes what the entry link
  // carried; the server checks the share signature and answers the four fields.
  r.route<{ share_openid?: string; share_sig?: string; custom_params?: string }>({
    method: 'GET',
    path: PluginRoutes.shareParams,
    roomFrom: 'query',
    viewer: true,
    query: {
      share_openid: { type: 'string', maxLength: 64 },
      share_sig: { type: 'string', maxLength: 64 },
      custom_params: { type: 'string' },
    },
    async handler({ query: q, room, viewer }) {
      const share = q.share_openid ?? '';
      if (share && !identity.verifyShare(room.id, share, q.share_sig ?? ''))
        throw new DomainError(Reason.BadParameter, 'share_openid signature is invalid', 'share_sig');
      const raw = q.custom_params ?? '';
      if (raw.length > CUSTOM_PARAMS_MAX)
        throw new DomainError(Reason.BadParameter, `custom_params longer than ${CUSTOM_PARAMS_MAX} characters`, 'custom_params');
      let custom: unknown = raw;
      if (raw) {
        try {
          custom = JSON.parse(raw);
        } catch {
          custom = raw;
        }
      }
      return { room_id: room.id, openid: viewer!.openid, share_openid: share, custom_params: custom };
    },
  });
}
