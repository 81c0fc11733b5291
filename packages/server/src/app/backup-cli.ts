/** The `zhibo backup FILE` and `zhibo restore FILE` commands (app/backup.ts has the format). */
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { silentLog } from '../lib/log.js';
import { BackupError, backupStream, restoreBackup } from './backup.js';
import type { Config } from './config.js';
import { createZhibo } from './zhibo.js';

type Running = { url: string; adminToken: string } | undefined;

/** Write to FILE.part, then rename: a failed backup never leaves a file that looks whole. */
async function writeAtomically(file: string, source: Readable): Promise<number> {
  const part = `${file}.part`;
  try {
    await pipeline(source, createWriteStream(part, { mode: 0o600 }));
    renameSync(part, file);
  } catch (e) {
    rmSync(part, { force: true });
    throw e;
  }
  return statSync(file).size;
}

/** With a server running on the data directory, through its admin API (the only process that may open the database). */
export async function backupCommand(config: Config, file: string, srv: Running): Promise<string> {
  if (srv) {
    const r = await fetch(`${srv.url}/admin/api/backup`, { headers: { authorization: `Bearer ${srv.adminToken}` } });
    if (!r.ok || !r.body) throw new BackupError(`the server answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
    const bytes = await writeAtomically(file, Readable.fromWeb(r.body as import('node:stream/web').ReadableStream<Uint8Array>));
    return `backup of the running server written to ${file} (${bytes} bytes)`;
  }
  const z = await createZhibo(config, { log: silentLog, runTimers: false, runReminders: false });
  try {
    const bytes = await writeAtomically(file, await backupStream(config.dataDir, z.db));
    return `backup of ${config.dataDir} written to ${file} (${bytes} bytes)`;
  } finally {
    await z.close();
  }
}

export async function restoreCommand(config: Config, file: string, srv: Running): Promise<string> {
  if (srv) throw new BackupError(`a server is running on ${config.dataDir}: stop it, and restore into an empty data directory`);
  const m = await restoreBackup(file, config.dataDir);
  const lines = [`restored ${file} (taken ${m.createdAt} from ${m.dataDir}) into ${config.dataDir}: ${m.files} files`];
  if (m.db === 'pglite') {
    const z = await createZhibo(config, { log: silentLog, runTimers: false, runReminders: false });
    try {
      const moved = await z.services.replays.relocateFiles(m.dataDir, config.dataDir);
      lines.push(`embedded database restored; ${moved} replay file paths moved to ${config.dataDir}`);
    } finally {
      await z.close();
    }
  } else lines.push('the backup holds no database (it was taken with DATABASE_URL): restore PostgreSQL with pg_restore');
  return lines.join('\n');
}
