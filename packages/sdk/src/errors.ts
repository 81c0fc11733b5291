/** S-API-PLUGIN-4: failures reject with `{errcode, errmsg}` objects (never bare strings or Error instances). */
import { PluginErrorCode, type PluginError } from '@zhibo/protocol';

export function pluginError(errcode: PluginError['errcode'], errmsg: string): PluginError {
  return { errcode, errmsg };
}

export function isPluginError(e: unknown): e is PluginError {
  return (
    typeof e === 'object' && e !== null && typeof (e as PluginError).errcode === 'string' && typeof (e as PluginError).errmsg === 'string'
  );
}

/** Anything thrown while talking to the server, as a PluginError. */
export function asPluginError(e: unknown): PluginError {
  if (isPluginError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return pluginError(PluginErrorCode.Network, `could not reach the zhibo server: ${msg}`);
}
