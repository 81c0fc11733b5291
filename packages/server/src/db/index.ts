export type { Db, DbHealth, Sql } from './db.js';
export { openPglite } from './pglite.js';
export { openPostgres } from './postgres.js';
export { migrate } from './migrations.js';
import type { Db } from './db.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import { migrate } from './migrations.js';
import { join } from 'node:path';

/** DATABASE_URL wins; otherwise PGlite under dataDir/pg (or in memory when dataDir is null). */
export async function openDatabase(opts: { databaseUrl?: string | undefined; dataDir: string | null }): Promise<Db> {
  const db = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl)
    : await openPglite(opts.dataDir ? join(opts.dataDir, 'pg') : undefined);
  await migrate(db);
  return db;
}
