/**
 * The loader: defaults ← environment ← command-line flags, every value parsed by its setting (app/settings.ts),
 * then the rules between settings. A bad value stops the server with a message naming the variable.
 */
import { resolve } from 'node:path';
import { linkHost } from '../http/base-url.js';
import { type Config, ConfigError, CROSS_CHECKS, SETTINGS, type Setting, type SettingKey } from './settings.js';

export { type Config, ConfigError, SETTINGS } from './settings.js';

/** Raw values keyed by setting name (what flags give). */
export type RawSettings = Partial<Record<SettingKey, string | undefined>>;

export function loadConfig(env: NodeJS.ProcessEnv, flags: RawSettings = {}): Config {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const s = SETTINGS[key] as Setting<unknown>;
    const fromFlag = flags[key];
    const fromEnv = env[s.env];
    const raw = fromFlag !== undefined ? fromFlag : fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
    const name = fromFlag !== undefined && s.flag ? `--${s.flag}` : s.env;
    out[key] = raw === undefined ? structuredClone(s.default) : s.parse(raw, name);
  }
  const c = out as Config;
  c.dataDir = resolve(c.dataDir);
  // RTMP listens on the HTTP host unless told otherwise: `--http 0.0.0.0:8080` takes pushes from the network too.
  if (flags.rtmp === undefined && !env[SETTINGS.rtmp.env]) c.rtmp = { ...c.rtmp, host: c.http.host };
  for (const check of CROSS_CHECKS) {
    const problem = check(c);
    if (problem) throw new ConfigError(problem);
  }
  return c;
}

/**
 * Fill in URLs that depend on the bound ports (port 0 is only known after listen): the listen address, with 0.0.0.0
 * replaced by this machine's LAN address (http/base-url.ts has the whole rule, requests included).
 */
export function withBoundUrls(c: Config, httpPort: number, rtmpPort: number, lan?: string): Config {
  return {
    ...c,
    publicUrl: c.publicUrl || `http://${linkHost(c.http.host, lan)}:${httpPort}`,
    rtmpPublicUrl: c.rtmpPublicUrl || `rtmp://${linkHost(c.rtmp.host, lan)}:${rtmpPort}/live`,
    // cluster mode: what other nodes reach this one at (the LAN address when bound to all interfaces)
    nodeUrl: c.nodeUrl || `http://${linkHost(c.http.host, lan)}:${httpPort}`,
  };
}

/** A URL this machine can always reach the HTTP server at (the CLI, the demo shop's server): loopback when bound to all. */
export function localUrl(c: Config, httpPort: number): string {
  const h = c.http.host;
  return `http://${h === '0.0.0.0' || h === '' ? '127.0.0.1' : h === '::' ? '[::1]' : linkHost(h)}:${httpPort}`;
}
