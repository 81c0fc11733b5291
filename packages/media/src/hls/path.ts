/** Safe paths under the HLS directory: the server serves only what hlsPath() returns. */
import { join } from 'node:path';
import { BadPathError } from '../errors.js';

const STREAM_ID = /^[A-Za-z0-9_-]{1,128}$/;
const FILE_NAME = /^[A-Za-z0-9_-]{1,64}\.(m3u8|ts)$/;

export function isValidStreamId(streamId: string): boolean {
  return STREAM_ID.test(streamId);
}

/** HLSDIR/STREAMID; throws BadPathError for a stream id that is not [A-Za-z0-9_-]{1,128}. */
export function hlsStreamDir(hlsDir: string, streamId: string): string {
  if (!isValidStreamId(streamId)) throw new BadPathError(`invalid stream id ${JSON.stringify(streamId)}`);
  return join(hlsDir, streamId);
}

/**
 * HLSDIR/STREAMID/FILENAME for a playlist or segment name; throws BadPathError for anything else
 * (no "/", "\\", "..", NUL, or other extensions can get through).
 */
export function hlsPath(hlsDir: string, streamId: string, fileName: string): string {
  if (!FILE_NAME.test(fileName)) throw new BadPathError(`invalid HLS file name ${JSON.stringify(fileName)}`);
  return join(hlsStreamDir(hlsDir, streamId), fileName);
}

export function hlsContentType(fileName: string): string {
  return fileName.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t';
}
