/** The data directory's own files: the lock of the embedded database and the admin token. */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomHex } from '../lib/crypto.js';
import type { Config } from './config.js';

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

/** The admin API's bearer token: ZHIBO_ADMIN_TOKEN, else DATA/admin-token (generated once, mode 0600). */
export function adminTokenFor(config: Config): string {
  if (config.adminToken) return config.adminToken;
  const file = join(config.dataDir, 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const t = randomHex(24);
  writeFileSync(file, `${t}\n`, { mode: 0o600 });
  return t;
}
