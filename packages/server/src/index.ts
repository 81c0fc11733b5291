export { createZhibo, type Zhibo, type ZhiboOptions, type ZhiboServices } from './app/zhibo.js';
export { loadConfig, type Config, SETTINGS } from './app/config.js';
export { openDatabase, openPglite, openPostgres, migrate, type Db } from './db/index.js';
export { signKeyOf } from './lib/crypto.js';
