/** Replays (S-REPLAY): segments with duration and expiry; play here or download the MP4. */
import { h, fmtDuration, fmtTime } from '../dom.js';
import { button, card, empty } from '../ui.js';
import type { RoomView } from './room.js';
import { highlightsCard } from './room-highlights.js';

interface Segment {
  session_id: string;
  status: string;
  started_at: number;
  ended_at: number | null;
  duration_sec: number | null;
  create_time: number | null;
  expire_time: number | null;
  url: string | null;
}

export async function replaysTab(v: RoomView): Promise<HTMLElement> {
  const { ctx, room } = v;
  const segs = await ctx.api.get<Segment[]>(`/rooms/${room.id}/replays`);
  const player = h('div', { class: 'replay-player', hidden: true });
  const play = (s: Segment, i: number) => {
    player.hidden = false;
    player.replaceChildren(
      h('h3', { text: `Segment ${i + 1}` }),
      h('video', { class: 'replay-video', src: s.url!, controls: true, autoplay: true, playsinline: true }),
    );
    player.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  };
  const STATE: Record<string, string> = { ready: 'Ready', recording: 'Recording…', failed: 'Failed' };
  const body = segs.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['#', 'Started', 'Duration', 'Expires', 'State', ''].map((t) => h('th', { text: t })),
            ),
          ),
          h(
            'tbody',
            {},
            segs.map((s, i) =>
              h(
                'tr',
                { dataset: { session: s.session_id } },
                h('td', { text: String(i + 1) }),
                h('td', { text: fmtTime(s.started_at) }),
                h('td', { text: fmtDuration(s.duration_sec) }),
                h('td', { text: s.expire_time ? fmtTime(s.expire_time) : '—' }),
                h('td', {}, h('span', { class: `tag${s.status === 'ready' ? ' tag-ok' : ''}`, text: STATE[s.status] ?? s.status })),
                h(
                  'td',
                  { class: 'right' },
                  s.url
                    ? [
                        button('Play', () => play(s, i), 'secondary', { 'data-action': 'play' }),
                        ' ',
                        h('a', { class: 'btn btn-ghost', href: s.url, download: `room-${room.id}-${i + 1}.mp4`, text: 'Download' }),
                      ]
                    : null,
                ),
              ),
            ),
          ),
        ),
      )
    : empty(
        'No replay yet',
        room.status === 103
          ? 'The replay appears here shortly after the live ends (each stream session is one segment).'
          : 'Every live is recorded: after it ends, its segments appear here, kept for a year.',
      );
  return h(
    'div',
    { class: 'stack' },
    await highlightsCard(v),
    card(
      'Replays',
      h('p', { class: 'hint', text: 'One segment per stream session. Merchants’ servers get the same list from get_replay.' }),
      body,
    ),
    player,
  );
}
