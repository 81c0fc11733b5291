import { describe, expect, it } from 'vitest';
import { hlsPath } from './path.js';
import { BadPathError } from '../errors.js';

describe('hlsPath', () => {
  it('returns HLSDIR/STREAMID/FILE for playlist and segment names', () => {
    expect(hlsPath('/data/hls', '12', 'index.m3u8')).toBe('/data/hls/12/index.m3u8');
    expect(hlsPath('/data/hls', 'room_1-a', 'seg-42.ts')).toBe('/data/hls/room_1-a/seg-42.ts');
  });

  it('rejects path traversal, separators, NUL, other extensions and bad stream ids with BadPathError', () => {
    for (const f of ['../index.m3u8', '..', 'a/b.ts', 'a\\b.ts', 'x.ts\0', '.m3u8', 'index.m3u8/', 'evil.sh', '%2e%2e.ts', '']) {
      expect(() => hlsPath('/data/hls', '12', f), f).toThrow(BadPathError);
    }
    for (const s of ['..', '../x', 'a/b', '', 'x'.repeat(129)]) expect(() => hlsPath('/data/hls', s, 'index.m3u8'), s).toThrow(BadPathError);
  });
});
