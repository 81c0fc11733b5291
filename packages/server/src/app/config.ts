/**
 * The loader: defaults ← environment ← command-line flags, every value parsed by its setting (app/settings.ts),
 * then the rules between settings. A bad value stops the server with a message naming the variable.
 */
import { resolve } from 'node:path';
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
  for (const check of CROSS_CHECKS) {
    const problem = check(c);
    if (problem) throw new ConfigError(problem);
  }
  return c;
}

/** Fill in URLs that depend on the bound ports (port 0 is only known after listen). */
export function withBoundUrls(c: Config, httpPort: number, rtmpPort: number): Config {
  const hostFor = (h: string) => (h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h.includes(':') ? `[${h}]` : h);
  return {
    ...c,
    publicUrl: c.publicUrl || `http://${hostFor(c.http.host)}:${httpPort}`,
    rtmpPublicUrl: c.rtmpPublicUrl || `rtmp://${hostFor(c.rtmp.host)}:${rtmpPort}/live`,
    nodeUrl: c.nodeUrl || `http://${hostFor(c.http.host)}:${httpPort}`,
  };
}
