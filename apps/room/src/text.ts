/** The room page's words, in one language chosen by the browser (issue 12 §15): Chinese by default, English otherwise. */
import { pickLanguage, type UiLanguage } from '@zhibo/sdk';

const ZH = {
  welcome: '欢迎来到直播间！请文明发言，理性购物。',
  err: {
    rate_limited: '发言太快了，休息一下', too_long: '评论太长了', empty: '说点什么吧', comments_closed: '评论已关闭', muted: '你已被禁言',
    room_closed: '直播已结束，不能再评论', likes_closed: '点赞已关闭',
  } as Record<string, string>,
  tapToUnmute: '点击开启声音', tapToPlay: '点击播放', reconnecting: '连接已断开，正在重连…', networkRetry: '网络异常，正在重试…',
  tooOld: (v: string) => `当前版本过低，仅可观看视频，请升级到 ${v} 或更新版本`, tooOldShort: '当前版本过低，仅可观看视频，请升级',
  noRoomTitle: '直播间不存在', noRoom: (id: number | string) => `房间 ${id} 不存在或已被删除`, badLinkTitle: '链接无效', badLink: '这个链接缺少直播间号 (room_id)',
  youAreMuted: '你已被禁言', youAreUnmuted: '你已被解除禁言', commentsClosed: '评论已关闭', liveEnded: '直播已结束',
  remindMe: '开播提醒', remindersOff: '订阅暂不可用', noGoodsPage: '商家还没有设置商品页地址', badPageLink: '商品页地址无效', connecting: '正在连接，请稍候',
  kf: '客服', follow: '+ 关注', following: '已关注', followLabel: '关注这家店', followingLabel: '已关注，点按取消关注',
  followed: '已关注，开播会提醒你', unfollowed: '已取消关注', tryLater: '操作失败，请稍后再试',
  shareFailed: '分享失败', shareText: (anchor: string, name: string) => `${anchor} 正在直播：${name}`, linkCopied: '链接已复制，快去分享吧', copyLink: '复制链接分享',
  comments: '评论', newMessages: (n: number) => (n ? `${n} 条新消息 ↓` : '有新消息 ↓'), saySomething: '说点什么…', send: '发送',
  allGoods: '全部商品', close: '关闭', goods: '商品', buy: '去购买', presenting: '讲解中', noGoods: '暂无商品', look: '去看看', like: '点赞',
  startsAt: (date: string, time: string) => `${date} ${time} 开播`, countdown: '距开播 ', soon: '主播即将开播，敬请期待', preview: '直播预告',
  ended: '直播已结束', noReplay: '本场直播不提供回放', preparing: '回放生成中，马上就好', replay: '观看回放', part: '片段', replayFailed: '回放暂不可用',
  banned: '直播间已被封禁', bannedSub: '该直播间因违反平台规范已被禁播', paused: '主播暂时离开', pausedSub: '直播已暂停，马上回来',
  abnormal: '主播网络不稳定', abnormalSub: '正在重新连接…', expired: '直播已过期', expiredSub: '这场直播没有按计划开播',
  live: '直播中', viewers: (n: string) => `${n} 观看`, share: '分享', home: '首页', fullscreen: '全屏', loading: '加载中…',
  anchor: '主播', notice: '公告', changeName: '修改昵称', askName: '你在评论里的名字（最多 24 个字）', nameSet: (n: string) => `你的昵称：${n}`,
};

const EN: typeof ZH = {
  welcome: 'Welcome to the live room! Be kind in the chat.',
  err: {
    rate_limited: 'Slow down a little', too_long: 'That comment is too long', empty: 'Say something', comments_closed: 'Comments are closed', muted: 'You are muted',
    room_closed: 'The live has ended: no more comments', likes_closed: 'Likes are closed',
  },
  tapToUnmute: 'Tap to unmute', tapToPlay: 'Tap to play', reconnecting: 'Connection lost, reconnecting…', networkRetry: 'Network error, retrying…',
  tooOld: (v: string) => `This version is too old: video only. Update to ${v} or newer`, tooOldShort: 'This version is too old: video only. Please update',
  noRoomTitle: 'No such live room', noRoom: (id: number | string) => `Room ${id} does not exist or was deleted`, badLinkTitle: 'Broken link', badLink: 'This link has no room_id',
  youAreMuted: 'You are muted', youAreUnmuted: 'You can comment again', commentsClosed: 'Comments are closed', liveEnded: 'The live has ended',
  remindMe: 'Remind me', remindersOff: 'Reminders are not available here', noGoodsPage: 'The shop has not set its goods page yet', badPageLink: 'This product link is not valid', connecting: 'Connecting, one moment',
  kf: 'Customer service', follow: '+ Follow', following: 'Following', followLabel: 'Follow this shop', followingLabel: 'Following — tap to unfollow',
  followed: 'Following: you will hear when it goes live', unfollowed: 'Unfollowed', tryLater: 'That did not work: try again later',
  shareFailed: 'Sharing failed', shareText: (anchor: string, name: string) => `${anchor} is live: ${name}`, linkCopied: 'Link copied — share it', copyLink: 'Copy the link',
  comments: 'Comments', newMessages: (n: number) => (n ? `${n} new messages ↓` : 'New messages ↓'), saySomething: 'Say something…', send: 'Send',
  allGoods: 'All goods', close: 'Close', goods: 'Goods', buy: 'Buy', presenting: 'Presenting', noGoods: 'No goods yet', look: 'Have a look', like: 'Like',
  startsAt: (date: string, time: string) => `Starts ${date} ${time}`, countdown: 'Starts in ', soon: 'Starting any moment now', preview: 'Coming up',
  ended: 'The live has ended', noReplay: 'This live has no replay', preparing: 'The replay is being prepared', replay: 'Replay', part: 'Part', replayFailed: 'The replay is not available',
  banned: 'This room was banned', bannedSub: 'It broke the platform’s rules', paused: 'The anchor stepped away', pausedSub: 'The live is paused and back soon',
  abnormal: 'The anchor’s connection dropped', abnormalSub: 'Reconnecting…', expired: 'This live has expired', expiredSub: 'It did not start as planned',
  live: 'LIVE', viewers: (n: string) => `${n} watching`, share: 'Share', home: 'Home', fullscreen: 'Full screen', loading: 'Loading…',
  anchor: 'Host', notice: 'Notice', changeName: 'Change your name', askName: 'Your name in the chat (up to 24 characters)', nameSet: (n: string) => `Your name: ${n}`,
};

export const LANG: UiLanguage = pickLanguage();
export const T = LANG === 'en' ? EN : ZH;
