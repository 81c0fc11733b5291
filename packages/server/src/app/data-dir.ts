/** The data directory's own files: the lock of the embedded database, the admin token, and the modes of them all. */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomHex } from '../lib/crypto.js';
import type { Log } from '../lib/log.js';
import type { Config } from './config.js';

/**
 * The data directory holds the database (install key, app sign keys, password hashes), the admin token and the
 * recordings: only the server's user may read it (0700 directories, 0600 files — what PostgreSQL requires of its own).
 * Created so (mode here, umask 077 in the CLI) and checked at every start: anything readable or writable by others is
 * fixed with one log line; what can not be fixed (another user's file) stops the start with a clear message.
 * PGlite's WASM file layer creates its files 0666 whatever the umask: what protects them is that every directory on
 * the way is 0700 (no one else may enter); they are made 0600 right after the database opens and at every start.
 */
export function secureDataDir(dataDir: string, log: Log, report = true): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let fixed = 0;
  const fix = (path: string, mode: number) => {
    try {
      chmodSync(path, mode);
    } catch (e) {
      throw new Error(
        `${path} is readable by other users (mode ${mode.toString(8)} wanted) and can not be fixed: ${(e as Error).message}; ` +
          `run zhibo as the owner of ${dataDir}, or fix it: chmod -R go-rwx ${dataDir}`,
      );
    }
    fixed++;
  };
  const walk = (path: string, depth: number) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      if (st.mode & 0o077) fix(path, 0o700);
      if (depth < 32) for (const name of readdirSync(path)) walk(join(path, name), depth + 1);
    } else if (st.isFile() && st.mode & 0o077) fix(path, st.mode & 0o700);
  };
  walk(dataDir, 0);
  if (fixed && report)
    log.warn(`data directory ${dataDir}: ${fixed} file(s) or folder(s) were open to other users; now owner-only (0700/0600)`);
}

export class DataDirLocked extends Error {
  constructor(
    readonly pid: number,
    dir: string,
  ) {
    super(`the embedded database in ${dir} is in use by process ${pid}`);
  }
}

/** Take DATA/zhibo.lock (exclusive create); a lock left by a dead process is taken over. Returns the release. */
export function acquireLock(dataDir: string): () => void {
  const file = join(dataDir, 'zhibo.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      if (lockHolderAlive(pid)) throw new DataDirLocked(pid, dataDir);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take ${file}`);
}

export function lockHolderAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The admin API's bearer token: ZHIBO_ADMIN_TOKEN, else DATA/admin-token (generated once, mode 0600). `created` says
 * whether it was made now (the CLI prints a token only then; afterwards, where it is).
 */
export function adminTokenFor(config: Config): { token: string; created: boolean; source: string } {
  if (config.adminToken) return { token: config.adminToken, created: false, source: 'ZHIBO_ADMIN_TOKEN' };
  const file = join(config.dataDir, 'admin-token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), created: false, source: file };
  const t = randomHex(24);
  writeFileSync(file, `${t}\n`, { mode: 0o600 });
  return { token: t, created: true, source: file };
}
