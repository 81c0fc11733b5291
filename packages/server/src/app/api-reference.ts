/**
 * docs/api-reference.md from the OpenAPI document (app/openapi.ts): one table per transport — method, path, auth,
 * what it does, its parameters and the fields it answers. The routes come from a server built in memory, so the
 * reference lists exactly what zhibo registers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegisteredRoute } from '../http/route-catalog.js';
import { silentLog } from '../lib/log.js';
import { ROUTE_DOCS } from './api-docs.js';
import { loadConfig } from './config.js';
import { buildOpenApi, type Operation, TRANSPORT_TAGS } from './openapi.js';
import { createZhibo } from './zhibo.js';

/** Every route a server registers (an in-memory server that never listens). */
export async function registeredRoutes(): Promise<readonly RegisteredRoute[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zhibo-routes-'));
  try {
    const z = await createZhibo(loadConfig({}, { http: '127.0.0.1:0', rtmp: '127.0.0.1:0', dataDir: dir }), {
      log: silentLog,
      memoryDb: true,
      runTimers: false,
      runReminders: false,
    });
    await z.app.ready();
    const routes = z.routes.routes();
    await z.close();
    return routes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Json = Record<string, unknown>;

/** Top-level field names of a schema (through allOf / anyOf); `optional` marks fields that are not required with `?`. */
function fields(s: unknown, optional = false): string[] {
  if (!s || typeof s !== 'object') return [];
  const o = s as Json;
  const required = new Set((o.required as string[] | undefined) ?? []);
  const props = o.properties ? Object.keys(o.properties as Json).map((f) => (optional && !required.has(f) ? `${f}?` : f)) : [];
  const nested = [...((o.allOf as unknown[]) ?? []), ...((o.anyOf as unknown[]) ?? [])].flatMap((x) => fields(x, optional));
  return [...new Set([...props, ...nested])].filter((f) => f !== 'errcode' && f !== 'errmsg');
}

const AUTH: Record<string, string> = { accessToken: 'access_token', adminToken: 'admin token', consoleSession: 'session' };
const code = (xs: string[]) => xs.map((x) => `\`${x}\``).join(' ');

function row(method: string, path: string, op: Operation): string {
  const params = (op.parameters ?? []).filter((p) => p.in !== 'path').map((p) => `${String(p.name)}${p.required ? '' : '?'}`);
  const content = op.requestBody?.content as Record<string, { schema?: unknown }> | undefined;
  const body = content ? Object.values(content).flatMap((c) => fields(c.schema, true)) : [];
  const ok = Object.entries(op.responses).find(([k]) => k !== 'default')!;
  const okContent = ok[1].content as Record<string, { schema?: unknown }> | undefined;
  const answer = okContent
    ? Object.entries(okContent)
        .map(([type, c]) => (type === 'application/json' ? code(fields(c.schema)) : type))
        .join(' ')
    : '';
  const auth =
    op.security
      .map((s) =>
        Object.keys(s)
          .map((k) => AUTH[k] ?? k)
          .join(', '),
      )
      .join(' or ') || '—';
  const request = [params.length ? `query ${code(params)}` : '', body.length ? `body ${code(body)}` : ''].filter(Boolean).join('; ');
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  return `| ${method.toUpperCase()} | \`${path}\` | ${auth} | ${cell(op.summary)} | ${cell(request)} | ${ok[0] === '200' ? '' : `${ok[0]} `}${cell(answer)} |`;
}

export async function apiReference(): Promise<string> {
  const doc = buildOpenApi(await registeredRoutes(), ROUTE_DOCS);
  const out: string[] = [];
  for (const tag of Object.values(TRANSPORT_TAGS)) {
    const rows: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) if (op.tags[0] === tag) rows.push(row(method, path, op));
    out.push(`### ${tag}`, '', '| method | path | auth | what | request | answer |', '|---|---|---|---|---|---|', ...rows, '');
  }
  return out.join('\n').trimEnd();
}
