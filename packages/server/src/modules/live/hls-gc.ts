/**
 * HLS files outlive their stream (the playlist gets #EXT-X-ENDLIST and stays until the next publish of that room):
 * the storage collector removes the directory of a stream that is not live and was last written long ago.
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
