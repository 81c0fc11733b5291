/** Stream health on the go-live page (issue 12 §7): what arrives from the encoder, warnings, refused pushes. */
import { h, fmtClock } from '../dom.js';
import { card } from '../ui.js';

interface StreamStats {
  uptimeSec: number;
  bitrateKbps: number;
  videoKbps: number;
  audioKbps: number;
  fps: number;
  keyframeIntervalSec: number | null;
  video: { codec: string; profile?: string; level?: string; width?: number; height?: number } | null;
  audio: { codec: string; sampleRate?: number; channels?: number } | null;
  encoder: string | null;
  lateMs: number;
  stalls: number;
  timestampJumps: number;
  droppedViewers: number;
  droppedGops: number;
}

export interface StreamHealth {
  stream: StreamStats | null;
  warnings: Array<{ code: string; message: string }>;
  refused: Array<{ at: number; reason: string; from: string }>;
}

const cell = (label: string, value: string, bad = false, testid = '') =>
  h(
    'div',
    { class: `health-cell${bad ? ' is-bad' : ''}`, 'data-health': testid || undefined },
    h('div', { class: 'health-value', text: value }),
    h('div', { class: 'health-label', text: label }),
  );

function videoText(v: StreamStats['video']): string {
  if (!v) return '—';
  const size = v.width && v.height ? ` ${v.width}×${v.height}` : '';
  return `${v.codec}${v.profile ? ` ${v.profile}` : ''}${v.level ? ` ${v.level}` : ''}${size}`;
}

function audioText(a: StreamStats['audio']): string {
  if (!a) return 'none';
  const rate = a.sampleRate ? ` ${(a.sampleRate / 1000).toFixed(1).replace(/\.0$/, '')} kHz` : '';
  const ch = a.channels === 1 ? ' mono' : a.channels === 2 ? ' stereo' : a.channels ? ` ${a.channels} ch` : '';
  return `${a.codec}${rate}${ch}`;
}

/** The card and its update function (the go-live page polls /rooms/:id/health). */
export function streamHealthCard(): { el: HTMLElement; update(x: StreamHealth): void } {
  const body = h(
    'div',
    { class: 'health', 'data-testid': 'stream-health' },
    h('p', { class: 'hint', text: 'Waiting for the first numbers…' }),
  );
  const update = (x: StreamHealth) => {
    const s = x.stream;
    const parts: HTMLElement[] = [];
    if (!s)
      parts.push(
        h('p', { class: 'hint', text: 'No stream is arriving. Start streaming to the push URL and the encoder’s numbers appear here.' }),
      );
    else {
      const key = s.keyframeIntervalSec;
      parts.push(
        h(
          'div',
          { class: 'health-grid' },
          cell('Incoming bitrate', `${s.bitrateKbps.toLocaleString()} kbps`, s.uptimeSec >= 3 && s.bitrateKbps === 0, 'bitrate'),
          cell('Frame rate', `${s.fps} fps`, s.uptimeSec >= 5 && s.fps > 0 && s.fps < 15, 'fps'),
          cell('Keyframe interval', key === null ? '—' : `${key} s`, key !== null && key > 2, 'keyframe'),
          cell('Video', videoText(s.video), !!s.video && s.video.codec !== 'H.264', 'video'),
          cell('Audio', audioText(s.audio), s.uptimeSec >= 5 && !s.audio, 'audio'),
          cell('Arriving late by', `${(s.lateMs / 1000).toFixed(1)} s`, s.lateMs > 2000, 'late'),
          cell('Stalls · jumps', `${s.stalls} · ${s.timestampJumps}`, s.stalls > 0, 'stalls'),
          cell('Slow viewers dropped', String(s.droppedViewers), false, 'dropped'),
        ),
      );
      if (s.encoder)
        parts.push(
          h('p', {
            class: 'hint',
            text: `Encoder: ${s.encoder} · streaming for ${Math.floor(s.uptimeSec / 60)} min ${s.uptimeSec % 60} s`,
          }),
        );
    }
    if (x.warnings.length)
      parts.push(
        h(
          'ul',
          { class: 'health-warnings', role: 'alert' },
          ...x.warnings.map((w) => h('li', { 'data-warning': w.code, text: w.message })),
        ),
      );
    if (x.refused.length)
      parts.push(
        h(
          'div',
          { class: 'health-refused' },
          h('h3', { text: 'Refused pushes' }),
          h(
            'ul',
            {},
            ...x.refused.map((r) =>
              h(
                'li',
                {},
                h('span', { class: 'mono', text: fmtClock(r.at) }),
                ' ',
                h('strong', { text: refusalText(r.reason) }),
                ' ',
                h('span', { class: 'muted', text: `from ${r.from}` }),
              ),
            ),
          ),
        ),
      );
    body.replaceChildren(...parts);
  };
  return { el: card('Stream health', body), update };
}

/** The gate's reason in the anchor's words. */
function refusalText(reason: string): string {
  if (/wrong stream key/.test(reason)) return 'Wrong stream key — copy the key again (it changes when regenerated).';
  if (/already has a publisher|already being published/.test(reason)) return 'Another encoder is already streaming to this room.';
  if (/can not go live/.test(reason)) return `The room can not go live any more (${reason.replace(/^room \d+ is /, '')}).`;
  if (/does not exist/.test(reason)) return 'No such room — check the stream key.';
  return reason;
}
