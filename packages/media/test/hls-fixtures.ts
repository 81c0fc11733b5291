/**
 * HLS test helpers: codec configurations taken from real ffmpeg/x264 output, a synthetic sample
 * source for the segmenter, and a small media playlist parser (RFC 8216bis syntax) for the rule tests.
 */
import { LlHlsStream, type HlsStreamOptions } from '../src/hls/hls-stream.js';
import { Segmenter, type SegmenterOptions } from '../src/hls/segmenter.js';

const hex = (s: string) => Buffer.from(s, 'hex');
/** x264 High 4:2:0, 320x180 (ffmpeg testsrc). */
export const AVCC_320x180_HIGH = hex('0164000cffe100186764000cacb40a0cfcf808800000030080000019478a155001000468ef0fcbfdf8f800');
/** x264 Main, 1920x1080 (coded 1088, cropped). */
export const AVCC_1080_MAIN = hex('014d4028ffe1001a674d4028eca03c0113f2e022000003000200000300641e30632c01000568ebe3cb20');
/** x264 Constrained Baseline, 320x180. */
export const AVCC_320x180_BASELINE = hex('0142c00cffe100196742c00cd901419f9f011000000300100000030320f142a48001000568cb83cb20');
/** ffmpeg's aac: LC, 44100 Hz, mono (with the SBR sync extension). */
export const ASC_44100_MONO = hex('120856e500');
/** AAC LC, 48000 Hz, stereo. */
export const ASC_48000_STEREO = hex('1190');

export interface Packaged {
  seg: Segmenter;
  out: LlHlsStream;
  inits: string[];
}

export function packager(opts: { segmenter?: Partial<SegmenterOptions>; stream?: Partial<HlsStreamOptions> } = {}): Packaged {
  const out = new LlHlsStream({ prefix: 't', firstMsn: 0, ...opts.stream });
  const inits: string[] = [];
  const seg = new Segmenter(
    {
      init: (d, codecs) => {
        inits.push(codecs);
        out.init(d);
      },
      segmentStart: (s) => out.segmentStart(s),
      part: (p) => out.part(p),
      segmentEnd: (t) => out.segmentEnd(t),
    },
    { now: () => Date.UTC(2025, 0, 1), ...opts.segmenter },
  );
  return { seg, out, inits };
}

export interface SourceOptions {
  fps?: number;
  gopSec?: number;
  audio?: boolean;
  video?: boolean;
  /** FLV timestamps are whole ms: frame times are rounded (30 fps → 33/34 ms). */
  startMs?: number;
}

/** A live source: call step(ms) to push the samples due up to that media time, interleaved like ffmpeg does. */
export function source(p: Packaged, o: SourceOptions = {}): { until(ms: number): void; now(): number } {
  const fps = o.fps ?? 25;
  const gop = Math.round((o.gopSec ?? 2) * fps);
  const start = o.startMs ?? 0;
  let frame = 0;
  let aframe = 0;
  let t = start;
  if (o.video !== false) p.seg.setVideoConfig(AVCC_320x180_HIGH);
  if (o.audio !== false) p.seg.setAudioConfig(ASC_44100_MONO);
  const payload = (n: number, tag: number) => Buffer.alloc(n, tag);
  return {
    until(ms: number) {
      for (;;) {
        const vt = o.video === false ? Infinity : start + Math.round((frame * 1000) / fps);
        const at = o.audio === false ? Infinity : start + Math.round((aframe * 1024 * 1000) / 44100);
        const next = Math.min(vt, at);
        if (next > ms) break;
        t = next;
        if (vt <= at) {
          p.seg.pushVideo(vt, 0, frame % gop === 0, payload(frame % gop === 0 ? 3000 : 500, frame & 0xff));
          frame++;
        } else {
          p.seg.pushAudio(at, payload(200, 0xaa));
          aframe++;
        }
      }
    },
    now: () => t,
  };
}

export interface ParsedPart {
  duration: number;
  uri: string;
  independent: boolean;
}
export interface ParsedSegment {
  msn: number;
  duration: number;
  uri: string;
  parts: ParsedPart[];
  discontinuity: boolean;
  map: string;
  pdt: string | null;
}
export interface ParsedPlaylist {
  version: number;
  targetDuration: number;
  partTarget: number;
  serverControl: Record<string, string>;
  mediaSequence: number;
  discontinuitySequence: number;
  skipped: number;
  segments: ParsedSegment[];
  /** Parts after the last EXTINF (the segment being written). */
  openParts: ParsedPart[];
  preloadHint: string | null;
  endlist: boolean;
  lines: string[];
}

export function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return out;
}

/** Parse a media playlist; throws on lines this packager never writes. */
export function parsePlaylist(text: string): ParsedPlaylist {
  const lines = text.split('\n').filter(Boolean);
  if (lines[0] !== '#EXTM3U') throw new Error('no #EXTM3U');
  const pl: ParsedPlaylist = {
    version: 0,
    targetDuration: 0,
    partTarget: 0,
    serverControl: {},
    mediaSequence: 0,
    discontinuitySequence: 0,
    skipped: 0,
    segments: [],
    openParts: [],
    preloadHint: null,
    endlist: false,
    lines,
  };
  let cur = { parts: [] as ParsedPart[], discontinuity: false, map: '', pdt: null as string | null, duration: -1 };
  for (const line of lines.slice(1)) {
    const [tag, value = ''] = line.startsWith('#') ? [line.split(':')[0]!, line.slice(line.indexOf(':') + 1)] : ['URI', line];
    switch (tag) {
      case '#EXT-X-VERSION':
        pl.version = Number(value);
        break;
      case '#EXT-X-TARGETDURATION':
        pl.targetDuration = Number(value);
        break;
      case '#EXT-X-PART-INF':
        pl.partTarget = Number(attrs(value)['PART-TARGET']);
        break;
      case '#EXT-X-SERVER-CONTROL':
        pl.serverControl = attrs(value);
        break;
      case '#EXT-X-MEDIA-SEQUENCE':
        pl.mediaSequence = Number(value);
        break;
      case '#EXT-X-DISCONTINUITY-SEQUENCE':
        pl.discontinuitySequence = Number(value);
        break;
      case '#EXT-X-SKIP':
        pl.skipped = Number(attrs(value)['SKIPPED-SEGMENTS']);
        break;
      case '#EXT-X-DISCONTINUITY':
        cur.discontinuity = true;
        break;
      case '#EXT-X-MAP':
        cur.map = attrs(value).URI!;
        break;
      case '#EXT-X-PROGRAM-DATE-TIME':
        cur.pdt = value;
        break;
      case '#EXT-X-PART': {
        const a = attrs(value);
        cur.parts.push({ duration: Number(a.DURATION), uri: a.URI!, independent: a.INDEPENDENT === 'YES' });
        break;
      }
      case '#EXTINF':
        cur.duration = Number(value.split(',')[0]);
        break;
      case '#EXT-X-PRELOAD-HINT':
        pl.preloadHint = attrs(value).URI!;
        break;
      case '#EXT-X-ENDLIST':
        pl.endlist = true;
        break;
      case 'URI': {
        const prevMap = pl.segments.at(-1)?.map ?? '';
        pl.segments.push({
          msn: pl.mediaSequence + pl.skipped + pl.segments.length,
          duration: cur.duration,
          uri: line,
          parts: cur.parts,
          discontinuity: cur.discontinuity,
          map: cur.map || prevMap,
          pdt: cur.pdt,
        });
        cur = { parts: [], discontinuity: false, map: '', pdt: null, duration: -1 };
        break;
      }
      default:
        throw new Error(`unexpected line ${line}`);
    }
  }
  pl.openParts = cur.parts;
  return pl;
}

/** The playlist text of a 200 response (throws otherwise). */
export async function playlistOf(out: LlHlsStream, query?: Record<string, string>): Promise<ParsedPlaylist> {
  const r = await out.request('index.m3u8', query);
  if (r.status !== 200) throw new Error(`playlist: ${r.status} ${String(r.body)}`);
  return parsePlaylist(String(r.body));
}
