/**
 * A/V sync of a recorded stream whose source shows a white flash and plays a beep at the same
 * instants (whip-client source 'flash'): ffmpeg's blackdetect gives the flash onsets, silencedetect
 * the beep onsets; each beep is paired with the nearest flash. Returns audio − video in ms.
 */
import { spawnTracked } from './helpers.js';

export async function avOffsets(file: string): Promise<number[]> {
  const p = spawnTracked('ffmpeg', [
    '-hide_banner',
    '-nostats',
    '-v',
    'info',
    '-i',
    file,
    '-vf',
    'blackdetect=d=0.01:pix_th=0.5',
    '-af',
    'silencedetect=n=-30dB:d=0.05',
    '-f',
    'null',
    '-',
  ]);
  await p.exited;
  const log = p.stderr();
  const flashes = [...log.matchAll(/black_end:([\d.]+)/g)].map((m) => Number(m[1]) * 1000);
  const beeps = [...log.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1]) * 1000);
  const out: number[] = [];
  for (const b of beeps) {
    const f = flashes.reduce((best, x) => (Math.abs(x - b) < Math.abs(best - b) ? x : best), Number.POSITIVE_INFINITY);
    if (Number.isFinite(f) && Math.abs(f - b) < 500) out.push(Math.round(b - f));
  }
  return out;
}
