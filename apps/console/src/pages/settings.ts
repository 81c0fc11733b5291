/** App settings: credentials, goods/home pages, reminder channels, quota, SDK versions (S-VERSION). */
import { h } from '../dom.js';
import { checked, Form, input, select, toggle } from '../form.js';
import type { Ctx } from '../shell.js';
import { busy, button, card, confirmAction, copyField, toast } from '../ui.js';
import { showSecret } from './apps.js';

interface AppDetail {
  appid: string;
  name: string;
  settings: {
    goodsBaseUrl: string;
    homeUrl: string;
    minSdkVersion: string;
    roleChecks: boolean;
    compat: 'seed' | 'current';
    kfUrl: string;
    feedsPublic: boolean;
    timeZone: string;
    language: 'zh' | 'en';
  };
  quota: { daily: number | null; serverDefault: number; usedToday: number };
  reminders: { webhookUrl: string | null; webpush: boolean; inPage: boolean; beforeStartMinutes: number | null; contact: string | null };
  wechat: { goodsReview: boolean; callbackUrl: string; followers: number };
  versions: { latestSdk: string; serverMinSdk: string };
  urls: { api: string; sdk: string };
}

export async function settingsPage(ctx: Ctx): Promise<HTMLElement> {
  const appid = ctx.params.appid!;
  const d = await ctx.api.get<AppDetail>(`/apps/${appid}`);
  ctx.setApp(appid);
  const form = new Form(
    async (f) => {
      const v = (n: string) => (f.el.elements.namedItem(n) as HTMLInputElement).value.trim();
      const before = v('reminders.beforeStartMinutes');
      await ctx.api.put(`/apps/${appid}/settings`, {
        goodsBaseUrl: v('goodsBaseUrl'),
        homeUrl: v('homeUrl'),
        minSdkVersion: v('minSdkVersion'),
        dailyQuota: v('dailyQuota'),
        callbackUrl: v('callbackUrl'),
        goodsReview: checked(f.el, 'goodsReview'),
        kfUrl: v('kfUrl'),
        feedsPublic: checked(f.el, 'feedsPublic'),
        roleChecks: checked(f.el, 'roleChecks'),
        compat: v('compat'),
        timeZone: v('timeZone'),
        language: v('language'),
        reminders: {
          webhookUrl: v('reminders.webhookUrl') || null,
          webpush: checked(f.el, 'reminders.webpush'),
          inPage: checked(f.el, 'reminders.inPage'),
          beforeStartMinutes: before ? Number(before) : null,
          contact: v('reminders.contact') || null,
        },
      });
      toast('Settings saved', 'success');
    },
    { 'aria-label': 'App settings' },
  );
  const r = d.reminders;
  const operator = ctx.account.role === 'operator';
  const reviewToggle = toggle(
    'goodsReview',
    'Goods review',
    d.wechat.goodsReview,
    operator
      ? 'New and resubmitted goods wait for your decision in the review queue (as WeChat reviews goods). Off: approved at once.'
      : 'Set by the operator. On: new goods wait for the operator’s review before they can go on a shelf.',
  );
  if (!operator) reviewToggle.querySelector('input')!.disabled = true;
  form.add(
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', { text: 'Your pages' }),
      form.field(
        'goodsBaseUrl',
        'Goods page base URL',
        input('goodsBaseUrl', { value: d.settings.goodsBaseUrl, placeholder: 'https://shop.example.com/', inputmode: 'url' }),
        'A product’s page is this URL + its page path. The room page adds room_id, openid, share_openid and custom_params.',
      ),
      form.field(
        'homeUrl',
        'Home page URL',
        input('homeUrl', { value: d.settings.homeUrl, placeholder: 'https://shop.example.com/', inputmode: 'url' }),
        'Opened by the home icon in the room page.',
      ),
      form.field(
        'kfUrl',
        'Customer-service URL',
        input('kfUrl', { value: d.settings.kfUrl, placeholder: 'https://shop.example.com/help', inputmode: 'url' }),
        'The room page’s customer-service button opens it, in rooms with customer service on (closeKf 0, room/updatekf).',
      ),
      toggle(
        'feedsPublic',
        'List my live rooms in the public feed',
        d.settings.feedsPublic,
        'Rooms with isFeedsPublic 1 appear on /feeds/ while live (zhibo’s official feeds).',
      ),
    ),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', { text: 'Time and language' }),
      h(
        'div',
        { class: 'grid-2' },
        form.field(
          'timeZone',
          'Time zone',
          input('timeZone', {
            value: d.settings.timeZone,
            placeholder: 'Asia/Shanghai',
            list: 'zones',
            autocomplete: 'off',
            spellcheck: 'false',
          }),
          'Start times on posters and in the demo shop. A name such as Asia/Shanghai or Europe/Berlin; empty is Asia/Shanghai (the day the API quota counts).',
        ),
        form.field(
          'language',
          'Poster language',
          select(
            'language',
            [
              ['zh', '中文'],
              ['en', 'English'],
            ],
            d.settings.language,
          ),
          'The text on the share poster and the article card.',
        ),
      ),
      h(
        'datalist',
        { id: 'zones' },
        ...[
          'Asia/Shanghai',
          'Asia/Hong_Kong',
          'Asia/Taipei',
          'Asia/Singapore',
          'Asia/Tokyo',
          'Europe/London',
          'Europe/Berlin',
          'America/New_York',
          'America/Los_Angeles',
          'UTC',
        ].map((z) => h('option', { value: z })),
      ),
    ),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', { text: 'WeChat compatibility' }),
      toggle(
        'roleChecks',
        'Role checks',
        d.settings.roleChecks,
        'A room’s anchor (and sub-anchor) must hold the Anchor role (Members page, role/addrole); WeChat’s 300036 otherwise.',
      ),
      form.field(
        'compat',
        'Compatibility profile',
        select(
          'compat',
          [
            ['seed', 'seed — errcode 1 for an empty room list, 500 calls a day'],
            ['current', 'current — 9410000 “empty room list”, 100000 calls a day'],
          ],
          d.settings.compat,
        ),
        'Which WeChat your code was written against (docs/api.md has both side by side). An app quota set below wins over the profile’s.',
      ),
    ),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', { text: 'Go-live reminders' }),
      toggle('reminders.webpush', 'Web Push', r.webpush, 'Browser notifications to subscribers who allowed them.'),
      toggle('reminders.inPage', 'In-page', r.inPage, 'A banner on your site for subscribers who have it open.'),
      form.field(
        'reminders.webhookUrl',
        'Webhook URL',
        input('reminders.webhookUrl', {
          value: r.webhookUrl ?? '',
          placeholder: 'https://shop.example.com/zhibo/reminder',
          inputmode: 'url',
        }),
        'Signed POST per subscriber when a room goes live (optional).',
      ),
      h(
        'div',
        { class: 'grid-2' },
        form.field(
          'reminders.beforeStartMinutes',
          'Also remind before the start (minutes)',
          input('reminders.beforeStartMinutes', { value: r.beforeStartMinutes ?? '', inputmode: 'numeric', placeholder: 'off' }),
        ),
        form.field(
          'reminders.contact',
          'Contact for push services',
          input('reminders.contact', { value: r.contact ?? '', placeholder: 'mailto:ops@shop.example.com' }),
        ),
      ),
    ),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', { text: 'WeChat API' }),
      reviewToggle,
      form.field(
        'callbackUrl',
        'Callback URL (WeChat events)',
        input('callbackUrl', { value: d.wechat.callbackUrl, placeholder: 'https://shop.example.com/zhibo/events', inputmode: 'url' }),
        `Signed POST of wxalive_follow_notify (a viewer follows or unfollows; ${d.wechat.followers} follow now) and wxalive_push_message_notify (a go-live message's result).`,
      ),
    ),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', { text: 'Limits and versions' }),
      h(
        'div',
        { class: 'grid-2' },
        form.field(
          'dailyQuota',
          'Daily API quota (getliveinfo + get_replay)',
          input('dailyQuota', {
            value: d.quota.daily ?? '',
            inputmode: 'numeric',
            placeholder: `server default: ${d.quota.serverDefault}`,
          }),
          `Used today: ${d.quota.usedToday}. WeChat’s was 500 a day; the client library caches to stay under it.`,
        ),
        form.field(
          'minSdkVersion',
          'Minimum SDK version',
          input('minSdkVersion', { value: d.settings.minSdkVersion, placeholder: `server: ${d.versions.serverMinSdk}` }),
          'Older SDKs get the video only, with a prompt to upgrade.',
        ),
      ),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save settings' })),
  );

  const reset = button(
    'Reset appsecret…',
    async (e) => {
      if (
        !(await confirmAction(
          'Reset the appsecret?',
          'The current appsecret and every access_token made with it stop working at once. Your server needs the new one.',
          'Reset appsecret',
        ))
      )
        return;
      const out = await busy(e.currentTarget as HTMLButtonElement, () =>
        ctx.api.post<{ appid: string; appsecret: string }>(`/apps/${appid}/secret`),
      );
      if (out) await showSecret('New appsecret', out.appid, out.appsecret);
    },
    'danger',
  );

  return h(
    'div',
    { class: 'page' },
    h('header', { class: 'page-head' }, h('div', {}, h('h1', { text: 'App settings' }), h('p', { class: 'muted', text: d.name }))),
    h(
      'div',
      { class: 'cols' },
      h('div', { class: 'col-main' }, card('Settings', form.el)),
      h(
        'div',
        { class: 'col-side' },
        card(
          'Credentials',
          copyField('appid', d.appid, { name: 'appid' }),
          h(
            'div',
            { class: 'copy-field' },
            h('div', { class: 'copy-label', text: 'appsecret' }),
            h('p', { class: 'hint', text: 'Shown once when created or reset; zhibo keeps only a one-way check of it.' }),
            reset,
          ),
          copyField('API base URL', d.urls.api, { hint: 'Use it where WeChat’s is https://api.weixin.qq.com.' }),
        ),
        card(
          'SDK version',
          h('p', {}, 'Latest SDK: ', h('strong', { text: d.versions.latestSdk }), ' (the plugin version WeChat calls “1.0.4”).'),
          h('p', {
            class: 'hint',
            text: 'Your pages load the SDK from this server, so a new version reaches them without code changes. Features that need a newer version (openid and share params need ≥ 1.0.4) are switched on by the version your page declares.',
          }),
          copyField('Script tag', `<script src="${d.urls.sdk}" data-appid="${d.appid}"></script>`, {
            name: 'sdk-script',
            hint: 'Put it on every page of your site (any origin): requirePlugin, <zhibo-subscribe>, <zhibo-back-to-live>, and the “live now” banner for subscribers. docs/sdk.md',
          }),
        ),
      ),
    ),
  );
}
