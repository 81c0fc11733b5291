/**
 * Editing recordings without re-encoding (issue 15): join a live's MP4 segments into one MP4, find the keyframe at or
 * before a time, and cut a clip that starts on that keyframe — all `ffmpeg -c copy`, `-movflags +faststart` (phones
 * seek with range requests). Outputs are written to `.part` and renamed, so a crash never leaves a half file under
 * the final name.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { lastLine, runProcess } from '../proc.js';
import { probeDuration, RemuxError } from './remux.js';

export interface EditOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
  /** per ffmpeg/ffprobe run (default 10 minutes: a long live is copied at disk speed) */
  timeoutMs?: number;
}

const ffmpegArgs = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];

async function finish(part: string, out: string, o: EditOptions): Promise<number> {
  let durationSec: number;
  try {
    durationSec = await probeDuration(part, o.ffprobePath);
  } catch (e) {
    await rm(part, { force: true });
    throw e;
  }
  await rename(part, out);
  return durationSec;
}

/** A file's duration and the shape of its streams (codecs, picture size, audio rate and channels). */
async function probeShape(file: string, o: EditOptions): Promise<{ durationSec: number; shape: string }> {
  const r = await runProcess(
    o.ffprobePath ?? 'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,sample_rate,channels:format=duration', '-of', 'json', file],
    o.timeoutMs ?? 60_000,
  );
  let j: { streams?: Array<Record<string, unknown>>; format?: { duration?: string } } = {};
  try {
    j = JSON.parse(r.stdout) as typeof j;
  } catch {
    j = {};
  }
  const durationSec = Number.parseFloat(j.format?.duration ?? '');
  if (r.code !== 0 || !Number.isFinite(durationSec))
    throw new RemuxError(`ffprobe ${basename(file)}: ${lastLine(r.stderr) || 'no duration'}`);
  const shape = (j.streams ?? [])
    .map((x) =>
      x.codec_type === 'video'
        ? `${String(x.codec_name)} ${String(x.width)}x${String(x.height)}`
        : `${String(x.codec_name)} ${String(x.sample_rate)}Hz/${String(x.channels)}`,
    )
    .sort()
    .join(', ');
  return { durationSec, shape };
}

/** The concat demuxer's list: one `file '…'` line per input (a quote in a path is written '\''). */
export function concatList(files: readonly string[]): string {
  return files.map((f) => `file '${f.replace(/'/g, "'\\''")}'\n`).join('');
}

/**
 * Join MP4 segments (same codecs; each starts on a keyframe, as recordings do) into `out`, one timeline whose parts
 * follow each other. Throws RemuxError when ffmpeg refuses (e.g. the codec or size changed between segments).
 */
export async function joinMp4(files: readonly string[], out: string, o: EditOptions = {}): Promise<{ file: string; durationSec: number }> {
  if (!files.length) throw new RemuxError('nothing to join');
  // ffmpeg's concat demuxer skips an input it cannot open and still succeeds, and copies streams whose codec or size
  // changed into a file players choke on: every input is probed first (same streams), and the result must be as long
  // as they are together
  let expected = 0;
  let shape: string | undefined;
  for (const f of files) {
    const p = await probeShape(f, o);
    if (shape !== undefined && p.shape !== shape)
      throw new RemuxError(`the segments differ (${shape} then ${p.shape}): they can not be joined without re-encoding`);
    shape = p.shape;
    expected += p.durationSec;
  }
  const list = `${out}.list.txt`;
  const part = `${out}.part`;
  await writeFile(list, concatList(files), { mode: 0o600 });
  try {
    const r = await runProcess(
      o.ffmpegPath ?? 'ffmpeg',
      [...ffmpegArgs, '-f', 'concat', '-safe', '0', '-i', list, '-map', '0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', part],
      o.timeoutMs ?? 600_000,
    );
    if (r.code !== 0) {
      await rm(part, { force: true });
      throw new RemuxError(`joining ${files.length} segments into ${basename(out)} failed (${r.code ?? r.signal}): ${lastLine(r.stderr)}`);
    }
  } finally {
    await rm(list, { force: true });
  }
  const durationSec = await finish(part, out, o);
  if (Math.abs(durationSec - expected) > Math.max(1, expected * 0.01)) {
    await rm(out, { force: true });
    throw new RemuxError(`joining ${files.length} segments gave ${durationSec.toFixed(1)} s instead of ${expected.toFixed(1)} s`);
  }
  return { file: out, durationSec };
}

/**
 * The time (seconds) of the last video keyframe at or before `t` (0 when the file has no video or none is found). Only
 * the packets around `t` are read (ffprobe -read_intervals), so it costs the same at minute 1 or hour 3.
 */
export async function keyframeAtOrBefore(file: string, t: number, o: EditOptions = {}): Promise<number> {
  const from = Math.max(0, t - 20);
  const r = await runProcess(
    o.ffprobePath ?? 'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-read_intervals',
      `${from.toFixed(3)}%${(t + 0.5).toFixed(3)}`,
      '-show_entries',
      'packet=pts_time,flags',
      '-of',
      'csv=p=0',
      file,
    ],
    o.timeoutMs ?? 60_000,
  );
  if (r.code !== 0) throw new RemuxError(`ffprobe ${basename(file)}: ${lastLine(r.stderr) || 'failed'}`);
  let best = -1;
  for (const line of r.stdout.split('\n')) {
    const [pts, flags] = line.trim().split(',');
    const x = Number.parseFloat(pts ?? '');
    // a small tolerance: a keyframe a frame after t still starts the explanation
    if (Number.isFinite(x) && flags?.includes('K') && x <= t + 0.05 && x > best) best = x;
  }
  return best < 0 ? 0 : best;
}

/**
 * Cut `[start, end)` seconds of `src` into `out` without re-encoding: the clip starts on the keyframe at or before
 * `start` (so it may begin up to a GOP earlier) and ends at `end`. Returns where it really starts and its duration.
 */
export async function cutMp4(
  src: string,
  start: number,
  end: number,
  out: string,
  o: EditOptions = {},
): Promise<{ file: string; startSec: number; durationSec: number }> {
  if (!(end > start) || start < 0) throw new RemuxError(`cannot cut ${start}–${end} s`);
  const k = await keyframeAtOrBefore(src, start, o);
  const part = `${out}.part`;
  // -ss a hair after the keyframe: the demuxer seeks to the keyframe at or before it (exactly this one).
  const r = await runProcess(
    o.ffmpegPath ?? 'ffmpeg',
    [
      ...ffmpegArgs,
      '-ss',
      (k + 0.01).toFixed(3),
      '-i',
      src,
      '-t',
      (end - k).toFixed(3),
      '-map',
      '0',
      '-c',
      'copy',
      '-avoid_negative_ts',
      'make_zero',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      part,
    ],
    o.timeoutMs ?? 600_000,
  );
  if (r.code !== 0) {
    await rm(part, { force: true });
    throw new RemuxError(
      `cutting ${basename(src)} at ${k.toFixed(2)}–${end.toFixed(2)} s failed (${r.code ?? r.signal}): ${lastLine(r.stderr)}`,
    );
  }
  return { file: out, startSec: k, durationSec: await finish(part, out, o) };
}
