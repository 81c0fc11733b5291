/** Images and WeChat's temporary material: owns `images`, `media`. */
import type { Clock } from '@zhibo/core';
import type { Db } from '../../db/index.js';
import type { Module } from '../module.js';
import { webRoutes, wxRoutes } from './routes.js';
import { ImageService } from './service.js';
import { ImagesSql } from './sql.js';

export { ImageService } from './service.js';

export interface ImagesDeps {
  db: Db;
  clock: Clock;
  publicUrl: () => string;
  disk?: { assertRoom(what: string, field?: string): void };
}

export function create(d: ImagesDeps): Module<ImageService> {
  const service = new ImageService(new ImagesSql(d.db), d.clock, d.publicUrl, d.disk);
  return { service, routes: { wx: (r) => wxRoutes(r, service), web: (a) => webRoutes(a, service) }, components: [] };
}
