export * from './status.js';
export * from './errcodes.js';
export * from './wechat.js';
export * from './plugin.js';
export * from './version.js';
export * from './realtime.js';
export * from './reminders.js';
export * from './web.js';
