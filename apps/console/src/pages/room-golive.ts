/** Going live: a phone (anchor page, QR sign-in), push URL and key (copy, regenerate), OBS settings (RTMP and WHIP), a live preview, the numbers now, the status timeline. */
import { LivePlayer, type HlsModule, type MpegtsModule } from '@zhibo/sdk';
import { h, fmtTime, fmtCount } from '../dom.js';
import { busy, button, card, confirmAction, copyField, stat, STATUS, toast, type StatusCode } from '../ui.js';
import { poll, type RoomView } from './room.js';
import { addressNote } from '../address.js';
import { phoneCard, whipCard } from './room-golive-phone.js';
import { streamHealthCard, type StreamHealth } from './stream-health.js';

interface TimelineEntry {
  from_status: number | null;
  to_status: number;
  cause: string;
  actor: string;
  at: number;
}

const CAUSES: Record<string, string> = {
  created: 'Room created',
  publish_started: 'The anchor started streaming',
  stream_lost: 'The stream dropped',
  anchor_ended: 'Live ended',
  paused: 'Paused',
  resumed: 'Resumed',
  banned: 'Banned by the platform',
  abnormal_timeout: 'Ended after 15 minutes without a stream',
  plan_expired: 'Expired: never started before the planned end',
};

const ACTORS: Record<string, string> = {
  media: 'stream',
  api: 'API',
  admin: 'operator',
  cli: 'command line',
  timer: 'timer',
  boot: 'server restart',
};

const vendor = <T>(name: string) =>
  import(/* @vite-ignore */ `/build/vendor/${name}.js`).then(
    (m: { default: T & { default?: T } }) => (m.default.default ?? m.default) as T,
  );

export async function goLiveTab(v: RoomView): Promise<HTMLElement> {
  const { ctx, room } = v;
  const timeline = await ctx.api.get<TimelineEntry[]>(`/rooms/${room.id}/timeline`);

  // Preview: the same player as the room page; it retries by itself while the stream comes and goes.
  const video = h('video', { class: 'preview-video', muted: true, playsinline: true, controls: true, 'aria-label': 'Live preview' });
  const overlay = h('div', { class: 'preview-overlay' });
  const player = new LivePlayer({
    video,
    media: room.media,
    loadMpegts: () => vendor<MpegtsModule>('mpegts'),
    loadHls: () => vendor<HlsModule>('hls'),
  });
  player.on('playing', () => (overlay.hidden = true));
  const setPreview = (status: number) => {
    const s = STATUS[status as StatusCode];
    if (status === 101 || status === 105) {
      player.start();
      overlay.hidden = status === 101 && !video.paused;
      overlay.textContent = status === 105 ? 'Paused — viewers see the paused screen' : 'Connecting to the stream…';
    } else {
      player.stop();
      overlay.hidden = false;
      overlay.textContent =
        status === 102
          ? 'Waiting for the stream. Push to the URL on the right and the preview starts.'
          : status === 106
            ? 'The stream dropped. It comes back here when the anchor reconnects (within 15 minutes).'
            : `${s?.zh ?? ''} ${status} — no live video`;
    }
  };
  setPreview(room.status);
  ctx.onDispose(() => player.stop());
  v.onStatus(setPreview);

  const viewers = stat('Viewers now', 0);
  const peak = stat('Peak', 0);
  const likes = stat('Likes', 0);
  const conn = h('span', { class: 'conn', text: 'Connecting…' });
  const timelineList = h('ol', { class: 'timeline' });
  const renderTimeline = (list: TimelineEntry[]) =>
    timelineList.replaceChildren(
      ...[...list].reverse().map((e) => {
        const s = STATUS[e.to_status as StatusCode];
        return h(
          'li',
          { class: `tl tl-${s?.tone ?? 'ended'}` },
          h('div', { class: 'tl-dot', 'aria-hidden': 'true' }),
          h(
            'div',
            {},
            h('strong', { text: CAUSES[e.cause] ?? e.cause }),
            ' ',
            h('span', { class: 'muted', text: `→ ${s?.zh ?? ''} ${e.to_status}` }),
            h('div', { class: 'hint', text: `${fmtTime(e.at)} · by ${ACTORS[e.actor] ?? e.actor.replace(/^console:/, 'console · ')}` }),
          ),
        );
      }),
    );
  renderTimeline(timeline);
  let seenEvents = timeline.length;
  const health = streamHealthCard();
  poll(ctx, 2000, async () => health.update(await ctx.api.get<StreamHealth>(`/rooms/${room.id}/health`)));
  poll(
    ctx,
    2000,
    async () => {
      const live = await ctx.api.get<{ status: number; viewers: number; peak: number; likes: number }>(`/rooms/${room.id}/live`);
      viewers.querySelector('.stat-value')!.textContent = fmtCount(live.viewers);
      peak.querySelector('.stat-value')!.textContent = fmtCount(live.peak);
      likes.querySelector('.stat-value')!.textContent = fmtCount(live.likes);
      if (live.status !== room.status) v.setStatus(live.status);
      const tl = await ctx.api.get<TimelineEntry[]>(`/rooms/${room.id}/timeline`);
      if (tl.length !== seenEvents) {
        seenEvents = tl.length;
        renderTimeline(tl);
      }
    },
    conn,
  );

  const push = h('div', { class: 'stack' });
  const renderPush = (p: { pushUrl: string; server: string; streamKey: string; whipUrl: string | null; bearerToken: string }) =>
    push.replaceChildren(
      copyField('Push URL (RTMP)', p.pushUrl, { name: 'push-url', mask: false, hint: 'For ffmpeg or apps that take one URL.' }),
      copyField('Server', p.server, { name: 'server', hint: 'OBS → Settings → Stream → Service: Custom → Server' }),
      copyField('Stream key', p.streamKey, {
        name: 'stream-key',
        mask: true,
        hint: 'Keep it secret: anyone with the key can stream to this room.',
      }),
    );
  const whip = h('div', {}, whipCard(v));
  renderPush(room);
  const regen = button(
    'Regenerate key…',
    async (e) => {
      if (
        !(await confirmAction(
          'Regenerate the stream key?',
          'The old key stops working for new connections. Update OBS with the new key before you go live.',
          'Regenerate',
        ))
      )
        return;
      const p = await busy(e.currentTarget as HTMLButtonElement, () =>
        ctx.api.post<{ pushUrl: string; server: string; streamKey: string; whipUrl: string | null; bearerToken: string }>(
          `/rooms/${room.id}/stream-key`,
        ),
      );
      if (p) {
        renderPush(p);
        Object.assign(room, p);
        whip.replaceChildren(whipCard(v) ?? '');
        toast('New stream key ready', 'success');
      }
    },
    'ghost',
    { 'data-action': 'regenerate-key' },
  );
  const portrait = room.screenType === 0;
  const obs = h(
    'dl',
    { class: 'obs' },
    ...(
      [
        ['Service', 'Custom… (RTMP)'],
        ['Server', room.server],
        ['Stream key', 'the key above'],
        ['Encoder', 'x264 (or hardware H.264), rate control CBR'],
        ['Bitrate', '2500–4000 Kbps at 1080p; 1500–2500 Kbps at 720p'],
        ['Keyframe interval', '2 s (not “auto”): viewers join at a keyframe, so short is faster'],
        ['Resolution', portrait ? '720×1280 or 1080×1920 (portrait room)' : '1280×720 or 1920×1080 (landscape room)'],
        ['Frame rate', '25 or 30 fps'],
        ['Audio', 'AAC, 128 Kbps, 44.1 or 48 kHz'],
        ['Profile / tuning', 'main or high · zerolatency helps'],
      ] as const
    ).flatMap(([k, val]) => [h('dt', { text: k }), h('dd', { text: val })]),
  );
  const ffmpeg = `ffmpeg -re -i input.mp4 -c:v libx264 -pix_fmt yuv420p -preset veryfast -b:v 2500k -g 50 -c:a aac -b:a 128k -f flv '${room.pushUrl}'`;

  return h(
    'div',
    { class: 'cols side-first' },
    h(
      'div',
      { class: 'col-main' },
      card(
        h('span', {}, 'Live preview ', conn),
        h('div', { class: `preview ${portrait ? 'preview-portrait' : ''}` }, video, overlay),
        h('div', { class: 'stats-row' }, viewers, peak, likes),
      ),
      health.el,
      card('Status timeline', h('p', { class: 'hint', text: 'Every status change with its cause, from the audit log.' }), timelineList),
    ),
    h(
      'div',
      { class: 'col-side' },
      phoneCard(v),
      card(h('span', {}, 'Push settings (RTMP)'), addressNote(room.address, 'push'), push, h('div', { class: 'row-end' }, regen)),
      card(
        'OBS settings (RTMP)',
        obs,
        h(
          'details',
          { class: 'details' },
          h('summary', { text: 'Streaming with ffmpeg instead' }),
          copyField('ffmpeg', ffmpeg, { name: 'ffmpeg' }),
        ),
      ),
      whip,
    ),
  );
}
