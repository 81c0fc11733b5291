/** Editing recordings without re-encoding (issue 15): join MP4 segments, find keyframes, cut a clip on one — real ffmpeg/ffprobe. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutMp4, joinMp4, keyframeAtOrBefore, probeDuration, RemuxError } from '../src/index.js';

/** An MP4 recording as media makes one: H.264 (1 s GOP) + AAC in FLV, remuxed with -c copy -movflags +faststart. */
function recording(dir: string, name: string, seconds: number, size = '320x240'): string {
  const flv = join(dir, `${name}.flv`);
  const mp4 = join(dir, `${name}.mp4`);
  const run = (args: string[]) => {
    const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
    if (r.status !== 0) throw new Error(String(r.stderr));
  };
  run([
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${size}:rate=25`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100',
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-preset',
    'veryfast',
    '-g',
    '25',
    '-keyint_min',
    '25',
    '-sc_threshold',
    '0',
    '-c:a',
    'aac',
    '-f',
    'flv',
    flv,
  ]);
  run(['-i', flv, '-c', 'copy', '-movflags', '+faststart', mp4]);
  return mp4;
}

/** The top-level MP4 boxes in file order: faststart puts `moov` before `mdat` (a phone can seek before the end arrives). */
function topBoxes(file: string): string[] {
  const b = readFileSync(file);
  const out: string[] = [];
  for (let at = 0; at + 8 <= b.length;) {
    const size = b.readUInt32BE(at);
    out.push(b.toString('latin1', at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return out;
}

describe('joinMp4 / keyframeAtOrBefore / cutMp4 (real ffmpeg)', () => {
  let dir: string;
  let a: string;
  let b: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'zhibo-edit-'));
    a = recording(dir, 'a', 6);
    b = recording(dir, 'b', 4);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('joinMp4: one MP4 as long as the segments together, no list file or .part left behind', async () => {
    const j = await joinMp4([a, b], join(dir, 'joined.mp4'));
    expect(Math.abs(j.durationSec - ((await probeDuration(a)) + (await probeDuration(b))))).toBeLessThan(0.3);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part') || f.endsWith('.txt'))).toEqual([]);
    const boxes = topBoxes(j.file);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
  });

  it('keyframeAtOrBefore: the 1 s GOP keyframe at or before a time, read from around it only', async () => {
    const k = await keyframeAtOrBefore(a, 3.4);
    expect(k).toBeGreaterThan(2.9);
    expect(k).toBeLessThanOrEqual(3.45);
    expect(await keyframeAtOrBefore(a, 0)).toBeLessThanOrEqual(0.05); // the first keyframe (FLV timestamps start a frame in)
  });

  it('cutMp4: starts on the keyframe at or before the start, ends at the end, plays as H.264 + AAC', async () => {
    const c = await cutMp4(a, 2.4, 5, join(dir, 'clip.mp4'));
    expect(c.startSec).toBeLessThanOrEqual(2.45);
    expect(c.startSec).toBeGreaterThan(1.9);
    expect(Math.abs(c.durationSec - (5 - c.startSec))).toBeLessThan(0.5);
    const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags', '-of', 'csv=p=0', c.file]);
    expect(String(r.stdout).split('\n')[0]).toContain('K'); // the first video packet is a keyframe
    const boxes = topBoxes(c.file);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
  });

  it('refuses what it cannot do, leaving no output: nothing to join, an empty range, a missing file', async () => {
    await expect(joinMp4([], join(dir, 'none.mp4'))).rejects.toBeInstanceOf(RemuxError);
    await expect(cutMp4(a, 3, 3, join(dir, 'empty.mp4'))).rejects.toBeInstanceOf(RemuxError);
    await expect(cutMp4(join(dir, 'missing.mp4'), 1, 2, join(dir, 'x.mp4'))).rejects.toBeInstanceOf(RemuxError);
    await expect(joinMp4([a, join(dir, 'missing.mp4')], join(dir, 'y.mp4'))).rejects.toBeInstanceOf(RemuxError);
    // a reconnect with another picture size can not be joined by copying
    await expect(joinMp4([a, recording(dir, 'wide', 2, '640x360')], join(dir, 'z.mp4'))).rejects.toThrow(
      /differ \(aac 44100Hz\/1, h264 320x240 then aac 44100Hz\/1, h264 640x360\)/,
    );
    for (const f of ['none.mp4', 'empty.mp4', 'x.mp4', 'y.mp4', 'z.mp4', 'x.mp4.part', 'y.mp4.part'])
      expect(existsSync(join(dir, f))).toBe(false);
  });
});
