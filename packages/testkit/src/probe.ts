/** ffprobe as a real player stand-in: which codecs does a URL or file carry, how long is it. */
import { execFile } from 'node:child_process';

export function ffprobe(target: string, timeoutMs = 20_000): Promise<{ codecs: string[]; durationSec: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffprobe',
      ['-v', 'error', '-rw_timeout', '10000000', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', target],
      { timeout: timeoutMs },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`ffprobe ${target}: ${stderr || err.message}`));
        const j = JSON.parse(stdout) as { streams?: Array<{ codec_name: string }>; format?: { duration?: string } };
        resolve({ codecs: (j.streams ?? []).map((s) => s.codec_name).sort(), durationSec: Number(j.format?.duration ?? NaN) });
      },
    );
  });
}
