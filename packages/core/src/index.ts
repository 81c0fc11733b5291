export * from './lifecycle.js';
export * from './clock.js';
export * from './quota.js';
export * from './price.js';
export * from './validation.js';
export * from './paging.js';
export * from './room-form.js';
