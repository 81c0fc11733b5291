/**
 * HLS directories on disk: zhibo packages LL-HLS in memory now, but earlier versions wrote `DATA/hls/ROOMID/` and left
 * it after the stream ended. The storage collector removes such a directory once its stream is not live and its files
 * are old, so an upgraded server sheds them without an operator's step.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Remove HLSDIR/STREAMID of streams without a publisher whose newest file is older than `before`; returns the ids. */
export async function purgeHls(hlsDir: string, isLive: (streamId: string) => boolean, before: number): Promise<string[]> {
  let dirs: string[];
  try {
    dirs = await readdir(hlsDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const id of dirs) {
    if (isLive(id)) continue;
    const dir = join(hlsDir, id);
    let newest = 0;
    try {
      newest = (await stat(dir)).mtimeMs;
      for (const f of await readdir(dir)) newest = Math.max(newest, (await stat(join(dir, f))).mtimeMs);
    } catch {
      continue;
    }
    if (newest >= before || isLive(id)) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(id);
  }
  return removed;
}
