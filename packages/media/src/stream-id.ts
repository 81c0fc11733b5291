/** Stream ids come from the publish gate and name HLS URIs and recording directories: keep them plain. */
const STREAM_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function isValidStreamId(streamId: string): boolean {
  return STREAM_ID.test(streamId);
}
