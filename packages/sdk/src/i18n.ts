/**
 * The viewer's language (issue 12 §15): one language chosen by the browser, not both at once. Chinese when the
 * browser's first language is Chinese or unknown (WeChat's audience), English otherwise.
 */
export type UiLanguage = 'zh' | 'en';

export function pickLanguage(
  languages: readonly string[] | undefined = typeof navigator === 'undefined' ? undefined : navigator.languages,
): UiLanguage {
  const first = languages?.[0];
  return !first || /^zh\b/i.test(first) ? 'zh' : 'en';
}

/** Texts of the SDK's own elements (banner, subscribe button). */
export const SDK_TEXT = {
  zh: {
    liveNow: '正在直播',
    watch: '去看看',
    close: '关闭',
    subscribe: '开播提醒',
    subscribed: '已订阅',
    unavailable: '不可订阅',
    watchNow: '观看直播',
    ended: '直播已结束',
  },
  en: {
    liveNow: 'Live now',
    watch: 'Watch',
    close: 'Close',
    subscribe: 'Remind me',
    subscribed: 'Subscribed',
    unavailable: 'Not available',
    watchNow: 'Watch now',
    ended: 'The live has ended',
  },
} as const satisfies Record<UiLanguage, Record<string, string>>;

export function sdkText(lang: UiLanguage = pickLanguage()): (typeof SDK_TEXT)[UiLanguage] {
  return SDK_TEXT[lang];
}
