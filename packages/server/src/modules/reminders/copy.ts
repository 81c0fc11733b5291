/** The words of a reminder (Web Push notification, in-page banner): one place to change or translate them. */
import { ReminderEvent } from '@zhibo/protocol';

export interface ReminderCopy {
  title: string;
  body: string;
}

export function reminderCopy(event: ReminderEvent, roomName: string): ReminderCopy {
  return {
    title: roomName || '直播提醒',
    body: event === ReminderEvent.LiveStartingSoon ? '直播即将开始' : '直播已开始，点击观看',
  };
}
