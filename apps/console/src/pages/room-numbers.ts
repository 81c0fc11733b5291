/** Numbers per room: viewers, likes, comments, entries by scene (S-ENTRY-3), goods taps, subscriptions, the share chain; CSV export. */
import { h, fmtCount, fmtDuration, fmtTime } from '../dom.js';
import { lineChart } from '../chart.js';
import { card, stat } from '../ui.js';
import type { RoomView } from './room.js';
import { type Sales, salesSection } from './room-sales.js';

interface Numbers {
  realtime: {
    entries: Record<string, number>;
    uniqueViewers: number;
    topSharers: Array<{ openid: string; viewers: number }>;
    likes: number;
    comments: number;
    peakViewers: number;
  };
  viewersNow: number;
  subscriptions: number;
  taps: Array<{ goodsId: number; name: string; taps: number }>;
  shareChain: Array<{ sharer: string; viewer: string; scene: number | null; at: number }>;
  series: { t: number[]; viewers: number[]; likes: number[]; comments: number[]; entries: number[] };
  bucketMs: number;
  live: { startedAt: number | null; endedAt: number | null; durationSec: number | null };
  sales: Sales;
}

/** After the live: one card that says how it went (issue 12 §6). */
function summary(n: Numbers, totalEntries: number): HTMLElement | null {
  const l = n.live;
  if (l.startedAt === null || l.endedAt === null) return null;
  const r = n.realtime;
  const taps = n.taps.reduce((a, t) => a + t.taps, 0);
  const best = [...n.taps].sort((a, b) => b.taps - a.taps)[0];
  return card(
    'Live summary',
    h('p', {
      'data-testid': 'live-summary',
      text:
        `The live lasted ${fmtDuration(l.durationSec)} (${fmtTime(l.startedAt)} – ${fmtTime(l.endedAt).slice(11)}). ` +
        `${fmtCount(r.uniqueViewers)} people watched (peak ${fmtCount(r.peakViewers)} at once, ${fmtCount(totalEntries)} entries), ` +
        `${fmtCount(r.likes)} likes, ${fmtCount(r.comments)} comments, ${fmtCount(taps)} goods taps${best && best.taps ? ` (most: ${best.name}, ${best.taps})` : ''}, ` +
        `${fmtCount(n.subscriptions)} reminder subscriptions, ${fmtCount(n.shareChain.length)} viewers brought by shares.`,
    }),
  );
}

const SCENES: Array<[string, string]> = [
  ['code', 'Code (type=9)'],
  ['article', 'Article card (type=10)'],
  ['share_1007', 'Shared to a chat (1007)'],
  ['share_1008', 'Shared to a group (1008)'],
  ['share_1044', 'Share card with ticket (1044)'],
  ['direct', 'Direct link'],
];

const short = (openid: string) => `${openid.slice(0, 6)}…${openid.slice(-4)}`;

function bars(rows: Array<[string, number]>, cls = ''): HTMLElement {
  const max = Math.max(1, ...rows.map((r) => r[1]));
  return h(
    'div',
    { class: `bars ${cls}` },
    rows.map(([label, n]) =>
      h(
        'div',
        { class: 'bar-row' },
        h('span', { class: 'bar-label', text: label }),
        h('span', { class: 'bar-track' }, h('span', { class: 'bar-fill', style: { width: `${(n / max) * 100}%` } })),
        h('span', { class: 'bar-n', text: String(n) }),
      ),
    ),
  );
}

export async function numbersTab(v: RoomView): Promise<HTMLElement> {
  const { ctx, room } = v;
  const n = await ctx.api.get<Numbers>(`/rooms/${room.id}/stats`);
  const r = n.realtime;
  const totalEntries = Object.values(r.entries).reduce((a, b) => a + b, 0);
  const chart = lineChart(n.series.t, [
    { label: 'Viewers', values: n.series.viewers, color: '#e5484d' },
    { label: 'Likes (total)', values: n.series.likes, color: '#f76b15' },
    { label: 'Comments', values: n.series.comments, color: '#0090ff' },
    { label: 'Entries', values: n.series.entries, color: '#30a46c' },
  ]);
  ctx.onDispose(() => chart.destroy());
  return h(
    'div',
    { class: 'stack' },
    summary(n, totalEntries),
    h(
      'div',
      { class: 'row-between' },
      h('p', { class: 'muted', text: 'Counted by zhibo from the room page and the stream.' }),
      h('a', {
        class: 'btn btn-secondary',
        href: `/console/api/rooms/${room.id}/stats.csv`,
        download: `room-${room.id}-numbers.csv`,
        'data-action': 'export-csv',
        text: 'Export CSV',
      }),
    ),
    h(
      'div',
      { class: 'stat-grid' },
      stat('Viewers now', fmtCount(n.viewersNow)),
      stat('Peak viewers', fmtCount(r.peakViewers)),
      stat('Unique viewers', fmtCount(r.uniqueViewers)),
      stat('Entries', fmtCount(totalEntries)),
      stat('Likes', fmtCount(r.likes)),
      stat('Comments', fmtCount(r.comments)),
      stat('Reminder subscriptions', fmtCount(n.subscriptions)),
    ),
    card(
      `Over the live${n.series.t.length ? ` (per ${Math.round(n.bucketMs / 60_000)} min)` : ''}`,
      n.series.t.length ? chart.el : h('p', { class: 'muted', text: 'The chart starts when the room goes live.' }),
    ),
    h(
      'div',
      { class: 'cols even' },
      card('Entries by scene', bars(SCENES.map(([k, label]) => [label, r.entries[k] ?? 0]))),
      card(
        'Goods taps',
        n.taps.length
          ? bars(
              n.taps.map((t) => [t.name, t.taps]),
              'bars-goods',
            )
          : h('p', { class: 'muted', text: 'No product was tapped yet.' }),
      ),
    ),
    h(
      'div',
      { class: 'cols even' },
      card(
        'Top sharers',
        r.topSharers.length
          ? bars(r.topSharers.map((s) => [short(s.openid), s.viewers]))
          : h('p', { class: 'muted', text: 'Nobody has brought viewers through a share card yet.' }),
      ),
      card(
        'Share chain (who brought whom)',
        n.shareChain.length
          ? h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'table small' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    ['Sharer', 'Brought in', 'Scene', 'When'].map((t) => h('th', { text: t })),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  n.shareChain
                    .slice(-100)
                    .reverse()
                    .map((e) =>
                      h(
                        'tr',
                        {},
                        h('td', { class: 'mono', text: short(e.sharer) }),
                        h('td', { class: 'mono', text: short(e.viewer) }),
                        h('td', { text: e.scene ? String(e.scene) : '—' }),
                        h('td', { text: fmtTime(e.at) }),
                      ),
                    ),
                ),
              ),
            )
          : h('p', { class: 'muted', text: 'Share-card entries appear here with who shared them.' }),
      ),
    ),
    salesSection(n.sales, (id) =>
      id ? (n.taps.find((t) => t.goodsId === id)?.name ?? n.sales.goods.find((g) => g.goodsId === id)?.name ?? `#${id}`) : '—',
    ),
  );
}
