/** OpenAPI descriptions of the apps module's routes (http/route-docs.ts). */
import { anyObj, APPID, arr, int, obj, type RouteDocs, str } from '../../http/route-docs.js';

const token = obj({ access_token: str('send as ?access_token= on every other call'), expires_in: int('seconds (ZHIBO_TOKEN_TTL_SEC)') }, [
  'access_token',
  'expires_in',
]);
const credentials = { grant_type: str('client_credential', { const: 'client_credential' }), appid: APPID, secret: str('the appsecret') };

export const ROUTE_DOCS: RouteDocs = {
  'GET /cgi-bin/token': {
    summary: 'Issue an access token (S-API-5)',
    description: 'Each call issues a new token; the previous one keeps working ZHIBO_TOKEN_OVERLAP_SEC more.',
    query: credentials,
    required: ['grant_type', 'appid', 'secret'],
    response: token,
  },
  'POST /cgi-bin/stable_token': {
    summary: 'Issue an access token (the "stable" form; same answer)',
    body: obj(credentials, ['grant_type', 'appid', 'secret']),
    response: token,
  },
  'POST /admin/api/apps': {
    summary: 'Create a merchant app; the secret is shown once',
    response: obj({ appid: APPID, appsecret: str() }, ['appid', 'appsecret']),
  },
  'GET /admin/api/apps': { summary: 'List apps', response: arr(obj({ appid: APPID, name: str(), created_at: int('ms epoch') })) },
  'PUT /admin/api/apps/{appid}/settings': {
    summary: "Patch an app's settings (validated; docs/configuration.md, App settings)",
    body: anyObj('goodsBaseUrl, homeUrl, minSdkVersion, dailyQuota, reminders'),
    response: obj({ appid: APPID, settings: anyObj() }),
  },
};
