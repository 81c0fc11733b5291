export { createZhibo, type Zhibo, type ZhiboOptions } from './zhibo.js';
export { loadConfig, DEFAULTS, ENV_KEYS, type Config } from './config.js';
export { openDatabase, openPglite, openPostgres, migrate, type Db } from './db/index.js';
export { signKeyOf } from './services/crypto.js';
