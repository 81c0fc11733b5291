/**
 * Recording → MP4 without re-encoding: `ffmpeg -i x.flv -c copy -movflags +faststart x.mp4`,
 * duration from ffprobe, then the .flv is removed. Also used at boot for FLVs a crash left behind.
 */
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { lastLine, runProcess } from '../proc.js';

export interface RemuxOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
  timeoutMs?: number;
  /** Keep the .flv after a successful remux (default false). */
  keepFlv?: boolean;
}

export interface RemuxResult {
  file: string;
  durationSec: number;
}

export class RemuxError extends Error {}

export function mp4PathFor(flv: string): string {
  return flv.replace(/\.flv$/i, '') + '.mp4';
}

export async function probeDuration(file: string, ffprobePath = 'ffprobe', timeoutMs = 30_000): Promise<number> {
  const r = await runProcess(
    ffprobePath,
    ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', file],
    timeoutMs,
  );
  const d = Number.parseFloat(r.stdout.trim());
  if (r.code !== 0 || !Number.isFinite(d)) throw new RemuxError(`ffprobe ${basename(file)}: ${lastLine(r.stderr) || 'no duration'}`);
  return d;
}

/** Remux an FLV recording into an MP4 next to it (written to .part, then renamed). */
export async function remuxFlvToMp4(flv: string, opts: RemuxOptions = {}): Promise<RemuxResult> {
  const out = mp4PathFor(flv);
  const part = `${out}.part`;
  const r = await runProcess(
    opts.ffmpegPath ?? 'ffmpeg',
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', flv, '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', part],
    opts.timeoutMs ?? 300_000,
  );
  if (r.code !== 0) {
    await rm(part, { force: true });
    throw new RemuxError(`ffmpeg remux of ${basename(flv)} failed (${r.code ?? r.signal}): ${lastLine(r.stderr)}`);
  }
  let durationSec: number;
  try {
    durationSec = await probeDuration(part, opts.ffprobePath);
  } catch (e) {
    await rm(part, { force: true });
    throw e;
  }
  await rename(part, out);
  if (!opts.keepFlv) await rm(flv, { force: true });
  return { file: out, durationSec };
}

/** FLV files under recordDir/STREAMID/ (left by a crash when found at boot). Stale .part files are removed. */
export async function findLeftoverRecordings(recordDir: string): Promise<string[]> {
  const found: string[] = [];
  let streams: string[];
  try {
    streams = await readdir(recordDir);
  } catch {
    return found;
  }
  for (const s of streams) {
    const dir = join(recordDir, s);
    if (!(await stat(dir).catch(() => null))?.isDirectory()) continue;
    for (const f of await readdir(dir)) {
      if (f.endsWith('.flv')) found.push(join(dir, f));
      else if (f.endsWith('.mp4.part')) await rm(join(dir, f), { force: true });
    }
  }
  return found.sort();
}

/** recordDir/STREAMID/SESSIONID.flv → { streamId, sessionId }. */
export function parseRecordingPath(flv: string): { streamId: string; sessionId: string } {
  return { streamId: basename(dirname(flv)), sessionId: basename(flv).replace(/\.flv$/i, '') };
}
