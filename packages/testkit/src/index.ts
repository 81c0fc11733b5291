export * from './wait.js';
export * from './pg.js';
export * from './wx.js';
export * from './ffmpeg.js';
export * from './process.js';
export * from './probe.js';
export * from './browser.js';
