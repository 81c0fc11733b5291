/**
 * `zhibo backup` / `zhibo restore` (issue 16): one tar file holding
 *   zhibo-backup.json   what it is (format, time, the data directory it came from, database kind)
 *   pg.tar.gz           the embedded database (PGlite's data directory, dumped between two statements after a CHECKPOINT)
 *   data/...            admin-token, demo-app.json, recordings/ (FLVs being written, replay MP4s), replays/
 * A backup is taken while the server runs (the admin API streams it): the database first, then the media files, so a
 * backup taken during a live stream restores like a crash at that moment (the room becomes 106, its FLV a segment).
 * A restore fills an empty data directory; everything is unpacked and checked in a staging directory first, and
 * moved into place last, so a bad file leaves the target as it was.
 */
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { PGlite } from '@electric-sql/pglite';
import * as tar from 'tar';
import { SDK_VERSION } from '@zhibo/protocol';
import type { Db } from '../db/index.js';

export const MANIFEST = 'zhibo-backup.json';
const DB_DUMP = 'pg.tar.gz';
const DATA_FILES = ['admin-token', 'demo-app.json'];
const MEDIA_DIRS = ['recordings', 'replays'];

export interface BackupManifest {
  format: 1;
  createdAt: string;
  /** the data directory it was taken from (replay rows name their files by absolute path) */
  dataDir: string;
  db: 'pglite' | 'postgres';
  sdk: string;
  /** data files and media files in the archive */
  files: number;
}

export class BackupError extends Error {}

/** Copy a media tree: finished MP4s are hard-linked (immutable; copied across file systems), the rest copied as they are now. */
function copyTree(from: string, to: string): number {
  if (!existsSync(from)) return 0;
  mkdirSync(to, { recursive: true });
  let n = 0;
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) n += copyTree(src, dst);
    else if (e.isFile() && !e.name.endsWith('.part')) {
      try {
        if (!e.name.endsWith('.mp4')) throw new Error('copy');
        linkSync(src, dst);
      } catch {
        copyFileSync(src, dst);
      }
      n++;
    }
  }
  return n;
}

/**
 * A backup of a data directory as a tar stream. It is staged in DATA/.backup-* (removed when the stream ends or
 * fails): the database dump, then copies of the files.
 */
export async function backupStream(dataDir: string, db: Db): Promise<Readable> {
  const stage = mkdtempSync(join(dataDir, '.backup-'));
  try {
    const dump = db.snapshot ? await db.snapshot() : undefined;
    if (dump) writeFileSync(join(stage, DB_DUMP), dump);
    const data = join(stage, 'data');
    mkdirSync(data);
    let files = 0;
    for (const f of DATA_FILES) {
      if (!existsSync(join(dataDir, f))) continue;
      copyFileSync(join(dataDir, f), join(data, f));
      files++;
    }
    for (const d of MEDIA_DIRS) files += copyTree(join(dataDir, d), join(data, d));
    const manifest: BackupManifest = { format: 1, createdAt: new Date().toISOString(), dataDir, db: db.kind, sdk: SDK_VERSION, files };
    writeFileSync(join(stage, MANIFEST), JSON.stringify(manifest, null, 2));
    const out = Readable.from(tar.c({ cwd: stage, portable: true }, [MANIFEST, ...(dump ? [DB_DUMP] : []), 'data']));
    const clean = () => rmSync(stage, { recursive: true, force: true });
    out.once('close', clean);
    out.once('error', clean);
    return out;
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
}

/** `GET /admin/api/backup`: the running server's backup as a tar download (what `zhibo backup` fetches). */
export function backupRoute(admin: FastifyInstance, dataDir: string, db: Db, log: { info(m: string): void }): void {
  admin.get('/backup', async (req, reply) => {
    const stream = await backupStream(dataDir, db);
    log.info(`backup: streaming a backup of ${dataDir} (request ${req.id})`);
    const name = `zhibo-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`;
    return reply
      .type('application/x-tar')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(stream);
  });
}

function readManifest(stage: string): BackupManifest {
  let m: Partial<BackupManifest>;
  try {
    m = JSON.parse(readFileSync(join(stage, MANIFEST), 'utf8')) as Partial<BackupManifest>;
  } catch {
    throw new BackupError(`not a zhibo backup: no readable ${MANIFEST} in it`);
  }
  if (m.format !== 1 || typeof m.dataDir !== 'string' || (m.db !== 'pglite' && m.db !== 'postgres'))
    throw new BackupError(`not a zhibo backup this version reads (${MANIFEST}: format ${String(m.format)})`);
  return m as BackupManifest;
}

/**
 * Restore a backup into `dataDir`, which must hold no database yet. Returns the manifest (the caller moves replay
 * file paths from manifest.dataDir to dataDir through the replays module).
 */
export async function restoreBackup(file: string, dataDir: string): Promise<BackupManifest> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new BackupError(`${file}: no such file`);
  const pgDir = join(dataDir, 'pg');
  if (existsSync(pgDir) && readdirSync(pgDir).length > 0)
    throw new BackupError(`${dataDir} already holds a database (pg/): restore into an empty data directory`);
  mkdirSync(dataDir, { recursive: true });
  const taken = [...DATA_FILES, ...MEDIA_DIRS].filter(
    (f) => existsSync(join(dataDir, f)) && (!statSync(join(dataDir, f)).isDirectory() || readdirSync(join(dataDir, f)).length > 0),
  );
  if (taken.length) throw new BackupError(`${dataDir} already has ${taken.join(', ')}: restore into an empty data directory`);
  const stage = mkdtempSync(join(dataDir, '.restore-'));
  try {
    try {
      await tar.x({ file, cwd: stage, strict: true });
    } catch (e) {
      throw new BackupError(`${file} is not a readable backup: ${(e as Error).message}`);
    }
    const manifest = readManifest(stage);
    if (manifest.db === 'pglite') {
      if (!existsSync(join(stage, DB_DUMP))) throw new BackupError(`${file}: the database dump (${DB_DUMP}) is missing`);
      const pg = await PGlite.create(join(stage, 'pg'), { loadDataDir: new Blob([readFileSync(join(stage, DB_DUMP))]) });
      await pg.query('SELECT 1');
      await pg.close();
    }
    // Everything checked: move into place.
    const data = join(stage, 'data');
    for (const f of existsSync(data) ? readdirSync(data) : []) {
      rmSync(join(dataDir, f), { recursive: true, force: true }); // only empty directories get here
      renameSync(join(data, f), join(dataDir, f));
    }
    if (manifest.db === 'pglite') {
      rmSync(pgDir, { recursive: true, force: true });
      renameSync(join(stage, 'pg'), pgDir);
    }
    return manifest;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
