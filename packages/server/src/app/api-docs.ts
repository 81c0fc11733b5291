/** Every route description, from each module's schemas.ts (the OpenAPI document and docs/api-reference.md are built from these). */
import type { RouteDocs } from '../http/route-docs.js';
import { ROUTE_DOCS as root } from './schemas.js';
import { ROUTE_DOCS as anchor } from '../modules/anchor/schemas.js';
import { ROUTE_DOCS as apps } from '../modules/apps/schemas.js';
import { ROUTE_DOCS as assistants } from '../modules/assistants/schemas.js';
import { ROUTE_DOCS as consoleDocs } from '../modules/console/schemas.js';
import { ROUTE_DOCS as goods } from '../modules/goods/schemas.js';
import { ROUTE_DOCS as identity } from '../modules/identity/schemas.js';
import { ROUTE_DOCS as images } from '../modules/images/schemas.js';
import { ROUTE_DOCS as live } from '../modules/live/schemas.js';
import { ROUTE_DOCS as liveinfo } from '../modules/liveinfo/schemas.js';
import { ROUTE_DOCS as orders } from '../modules/orders/schemas.js';
import { ROUTE_DOCS as realtime } from '../modules/realtime/schemas.js';
import { ROUTE_DOCS as reminders } from '../modules/reminders/schemas.js';
import { ROUTE_DOCS as replays } from '../modules/replays/schemas.js';
import { ROUTE_DOCS as roles } from '../modules/roles/schemas.js';
import { ROUTE_DOCS as rooms } from '../modules/rooms/schemas.js';
import { ROUTE_DOCS as share } from '../modules/share/schemas.js';
import { ROUTE_DOCS as web } from '../modules/web/schemas.js';

/** One table; a route described twice is a mistake (which description would win?). */
function merge(...parts: RouteDocs[]): RouteDocs {
  const out: RouteDocs = {};
  for (const part of parts)
    for (const [key, doc] of Object.entries(part)) {
      if (Object.hasOwn(out, key)) throw new Error(`route ${key} is described twice`);
      out[key] = doc;
    }
  return out;
}

export const ROUTE_DOCS: RouteDocs = merge(
  root,
  apps,
  images,
  rooms,
  goods,
  replays,
  liveinfo,
  identity,
  share,
  live,
  realtime,
  reminders,
  web,
  consoleDocs,
  roles,
  assistants,
  orders,
  anchor,
);
