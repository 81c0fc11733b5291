/** Create or edit a room with WeChat's fields (S-ROOM-1): editable only before the live starts. */
import { h, timeZone, toLocalInput, fromLocalInput } from '../dom.js';
import { checked, Form, imageField, input, radioValue, segmented, toggle } from '../form.js';
import { roomFormProblems } from '@zhibo/core';
import { ApiError } from '../api.js';
import type { Ctx } from '../shell.js';
import { card, toast } from '../ui.js';

interface RoomDetail {
  id: number;
  appid: string;
  name: string;
  coverImg: string;
  shareImg: string;
  feedsImg: string;
  anchorName: string;
  anchorImg: string;
  startTime: number;
  endTime: number;
  screenType: number;
  closeLike: number;
  closeGoods: number;
  closeComment: number;
  closeReplay: number;
  closeShare: number;
  editable: boolean;
}

export async function roomFormPage(ctx: Ctx): Promise<HTMLElement> {
  const editing = ctx.params.id ? await ctx.api.get<RoomDetail>(`/rooms/${ctx.params.id}`) : undefined;
  const appid = editing?.appid ?? ctx.params.appid!;
  ctx.setApp(appid);
  if (editing && !editing.editable)
    return h(
      'div',
      { class: 'page narrow' },
      card(
        'This room can no longer be edited',
        h('p', { text: 'As on WeChat, a room can be edited only before its live starts (status 102).' }),
        h('a', { class: 'btn btn-primary', href: `#/rooms/${editing.id}`, text: 'Back to the room' }),
      ),
    );
  // the server's clock, not this computer's: the browser checks the form with the rules the server applies
  const serverTime = (await ctx.api.get<{ serverTime?: number }>('/session')).serverTime ?? Date.now();
  const offset = serverTime - Date.now();
  const now = Math.floor(serverTime / 1000);
  const start = editing?.startTime ?? Math.ceil((now + 15 * 60) / 300) * 300;
  const end = editing?.endTime ?? start + 2 * 3600;
  const images = {} as Record<'coverImg' | 'shareImg' | 'anchorImg', ReturnType<typeof imageField>>;
  const form = new Form(
    async (f) => {
      if (Object.values(images).some((i) => i.pending())) {
        toast('Wait for the image upload to finish', 'error');
        return;
      }
      const v = (n: string) => (f.el.elements.namedItem(n) as HTMLInputElement).value.trim();
      const body = {
        name: v('name'),
        anchorName: v('anchorName'),
        coverImg: images.coverImg.value(),
        shareImg: images.shareImg.value(),
        anchorImg: images.anchorImg.value() || undefined,
        startTime: fromLocalInput(v('startTime')),
        endTime: fromLocalInput(v('endTime')),
        type: 1,
        screenType: Number(radioValue(f.el, 'screenType') || 0),
        closeLike: checked(f.el, 'likes') ? 0 : 1,
        closeGoods: checked(f.el, 'goods') ? 0 : 1,
        closeComment: checked(f.el, 'comments') ? 0 : 1,
        closeReplay: checked(f.el, 'replay') ? 0 : 1,
        closeShare: checked(f.el, 'share') ? 0 : 1,
      };
      // Every problem at once, checked here first with the server's own rules (it checks again).
      const problems = roomFormProblems(body, Math.floor((Date.now() + offset) / 1000));
      const n = Object.keys(problems).length;
      if (n) throw new ApiError(400, 'bad_parameter', n === 1 ? Object.values(problems)[0]! : `${n} fields need a change`, problems);
      if (editing) {
        await ctx.api.put(`/rooms/${editing.id}`, body);
        toast('Room saved', 'success');
        ctx.go(`#/rooms/${editing.id}`);
      } else {
        const r = await ctx.api.post<{ id: number }>(`/apps/${appid}/rooms`, body);
        toast('Room created', 'success');
        ctx.go(`#/rooms/${r.id}`);
      }
    },
    { 'aria-label': editing ? 'Edit room' : 'New room' },
  );
  Object.assign(images, {
    coverImg: imageField(ctx.api, appid, form, 'coverImg', {
      label: 'Cover image',
      maxBytes: 2 * 1024 * 1024,
      current: editing?.coverImg,
      hint: 'Shown before and during the live. 1080×1920 recommended, PNG/JPEG/GIF/WebP, at most 2 MB.',
      shape: 'tall',
    }),
    shareImg: imageField(ctx.api, appid, form, 'shareImg', {
      label: 'Share image',
      maxBytes: 1024 * 1024,
      current: editing?.shareImg,
      hint: 'The picture of the share card. 800×640 recommended, at most 1 MB.',
      shape: 'wide',
    }),
    anchorImg: imageField(ctx.api, appid, form, 'anchorImg', {
      label: 'Anchor avatar',
      maxBytes: 1024 * 1024,
      current: editing?.anchorImg || undefined,
      hint: 'Optional. Square, at most 1 MB.',
      shape: 'square',
    }),
  });
  const on = (flag: number | undefined) => (flag ?? 0) === 0;
  form.add(
    h(
      'div',
      { class: 'grid-2' },
      form.field(
        'name',
        'Room name',
        input('name', { value: editing?.name ?? '', maxlength: 34, placeholder: '春季新品直播' }),
        '3–17 Chinese characters, or 6–34 letters and digits (a Chinese character counts as 2).',
      ),
      form.field(
        'anchorName',
        'Anchor name',
        input('anchorName', { value: editing?.anchorName ?? '', maxlength: 30, placeholder: '主播小李' }),
        '2–15 Chinese characters, or 4–30 letters and digits.',
      ),
    ),
    h(
      'div',
      { class: 'grid-2' },
      form.field('startTime', `Planned start (${timeZone()})`, input('startTime', { type: 'datetime-local', value: toLocalInput(start) })),
      form.field(
        'endTime',
        'Planned end',
        input('endTime', { type: 'datetime-local', value: toLocalInput(end) }),
        'Between 30 minutes and 24 hours after the start. A room not started by then expires (107).',
      ),
    ),
    form.field(
      'screenType',
      'Orientation',
      segmented(
        'screenType',
        [
          ['0', 'Portrait (phone)'],
          ['1', 'Landscape'],
        ],
        String(editing?.screenType ?? 0),
      ),
    ),
    h('div', { class: 'grid-3' }, images.coverImg.el, images.shareImg.el, images.anchorImg.el),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', { text: 'Room features' }),
      h(
        'div',
        { class: 'switch-grid' },
        toggle('likes', 'Likes', on(editing?.closeLike)),
        toggle('goods', 'Goods shelf', on(editing?.closeGoods)),
        toggle('comments', 'Comments', on(editing?.closeComment)),
        toggle('replay', 'Replay after the live', on(editing?.closeReplay)),
        toggle('share', 'Sharing', on(editing?.closeShare)),
      ),
      h('p', {
        class: 'hint',
        text: 'As on WeChat, likes, goods and comments switched off cannot be switched back on after the start. Comments can be closed during the live from the Comments tab.',
      }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('a', { class: 'btn btn-ghost', href: editing ? `#/rooms/${editing.id}` : `#/apps/${appid}`, text: 'Cancel' }),
      h('button', { type: 'submit', class: 'btn btn-primary', text: editing ? 'Save room' : 'Create room' }),
    ),
  );
  return h(
    'div',
    { class: 'page' },
    h(
      'header',
      { class: 'page-head' },
      h(
        'div',
        {},
        h('h1', { text: editing ? `Edit “${editing.name}”` : 'New live room' }),
        h('p', { class: 'muted', text: 'Every field is checked by the server with WeChat’s rules.' }),
      ),
    ),
    card(null, form.el),
  );
}
