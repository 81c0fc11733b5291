/** Checks one HTTP answer against an SDK's response contract (types.ts). Pure: no I/O. */
import type { FieldRule, JsonType, ResponseContract, SdkTransport } from './types.js';

export type CallStatus = 'pass' | 'fail' | 'conflict';

export interface Verdict {
  status: CallStatus;
  /** why it failed or conflicted; notes for a pass (an accepted errcode) */
  reasons: string[];
  errcode?: unknown;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const PRICE = /^-?\d+(\.\d{1,2})?$/;

/** Does `v` have JSON type `t` as the SDK's parser reads it? */
export function hasType(v: unknown, t: JsonType): boolean {
  switch (t) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'int~':
      return (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v));
    case 'num':
      return typeof v === 'number' && Number.isFinite(v);
    case 'price':
      return typeof v === 'number' && Number.isFinite(v) && PRICE.test(String(v));
    case 'price~':
      return (typeof v === 'number' && Number.isFinite(v) && PRICE.test(String(v))) || (typeof v === 'string' && PRICE.test(v));
    case 'str':
      return typeof v === 'string';
    case 'str~':
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    case 'bool':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'any':
      return v !== undefined;
  }
}

const describe = (v: unknown) =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'string'
        ? `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`
        : `${typeof v} ${JSON.stringify(v)}`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Leaf {
  at: string;
  present: boolean;
  value: unknown;
}

/** The values at a rule's path; `[]` walks array elements. A missing or mistyped parent gives no leaves (its own rule reports it). */
export function leaves(root: unknown, path: string): Leaf[] {
  let cur: Leaf[] = [{ at: '', present: true, value: root }];
  for (const seg of path.split('.')) {
    const each = seg.endsWith('[]');
    const name = each ? seg.slice(0, -2) : seg;
    const next: Leaf[] = [];
    for (const l of cur) {
      if (!l.present) continue;
      let own: Leaf;
      if (name === '') own = l;
      else if (isObject(l.value))
        own = { at: l.at ? `${l.at}.${name}` : name, present: name in l.value && l.value[name] !== undefined, value: l.value[name] };
      else continue;
      if (!each) next.push(own);
      else if (own.present && Array.isArray(own.value))
        own.value.forEach((value, i) => next.push({ at: `${own.at}[${i}]`, present: true, value }));
    }
    cur = next;
  }
  return cur;
}

function checkField(body: unknown, rule: FieldRule, fails: string[], conflicts: string[]): void {
  for (const leaf of leaves(body, rule.path)) {
    if (!leaf.present) {
      if (rule.presence === 'required') fails.push(`${leaf.at}: missing (the SDK throws without it)`);
      else if (rule.presence === 'expected') fails.push(`${leaf.at}: missing (the caller reads it; gets null/zero)`);
      continue;
    }
    if (hasType(leaf.value, rule.type)) continue;
    const msg = `${leaf.at}: ${describe(leaf.value)}, the parser needs ${rule.type}`;
    if (rule.conflict) conflicts.push(`${msg} — SDK bug: ${rule.conflict}`);
    else fails.push(msg);
  }
}

/** Judge one answer. `transport` words the failure the way that SDK fails. */
export function checkAnswer(answer: Answer, contract: ResponseContract, transport: SdkTransport): Verdict {
  if (answer.status !== 200)
    return { status: 'fail', reasons: [`HTTP ${answer.status} ${JSON.stringify(answer.text.slice(0, 80))} → ${transport.httpError}`] };
  if (/xml/i.test(answer.contentType))
    return { status: 'fail', reasons: [`content-type ${answer.contentType}: parsed as XML by EasyWeChat and PowerWeChat`] };
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return { status: 'fail', reasons: [`body is not JSON ${JSON.stringify(answer.text.slice(0, 80))} → ${transport.nonJson}`] };
  }
  if (!isObject(body)) return { status: 'fail', reasons: [`body is JSON but not an object → ${transport.nonJson}`] };
  const errcode = body.errcode;
  if (errcode === undefined && contract.errcode === 'required')
    return { status: 'fail', reasons: ['no errcode: the SDK reads errcode itself (NullPointerException in WxJava)'], errcode };
  if (errcode !== undefined && !hasType(errcode, 'int'))
    return { status: 'fail', reasons: [`errcode is ${describe(errcode)}, not a number`], errcode };
  const code = (errcode as number | undefined) ?? 0;
  const msg = typeof body.errmsg === 'string' ? body.errmsg : '';
  if (contract.expectErrcodes) {
    return contract.expectErrcodes.includes(code)
      ? { status: 'pass', reasons: [], errcode }
      : { status: 'fail', reasons: [`errcode ${code} ${JSON.stringify(msg)}, expected ${contract.expectErrcodes.join(' or ')}`], errcode };
  }
  if (code !== 0) {
    if (contract.acceptErrcodes?.includes(code))
      return { status: 'pass', reasons: [`errcode ${code} accepted (WeChat's answer for this fixture)`], errcode };
    const how = contract.throwsOnErrcode ? 'the SDK throws' : 'the caller sees an API error';
    return { status: 'fail', reasons: [`errcode ${code} ${JSON.stringify(msg)}: ${how}`], errcode };
  }
  const fails: string[] = [];
  const conflicts: string[] = [];
  for (const rule of contract.fields) checkField(body, rule, fails, conflicts);
  if (fails.length) return { status: 'fail', reasons: [...fails, ...conflicts], errcode };
  if (conflicts.length) return { status: 'conflict', reasons: conflicts, errcode };
  return { status: 'pass', reasons: [], errcode };
}
