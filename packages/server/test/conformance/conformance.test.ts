import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKinds } from '@zhibo/testkit';
import { startServer, type TestServer } from '../helpers.js';
import { checkAnswer, hasType, leaves } from './check.js';
import { serverFixtures } from './fixtures.js';
import { type ConformanceReport, fill, phpUrlencode, runConformance } from './run.js';
import { ITEMS, type ItemId, SDK_PROFILES, type ResponseContract, type SdkId, type SdkTransport } from './sdk-calls.js';

const transport: SdkTransport = { httpError: 'HTTP-ERROR', nonJson: 'NON-JSON', tokenRetry: '', tokenPlacement: '' };
const ok = (text: string) => ({ status: 200, contentType: 'application/json; charset=utf-8', text });
const contract = (c: Partial<ResponseContract>): ResponseContract => ({ errcode: 'optional', throwsOnErrcode: true, fields: [], ...c });
const DUMMY = {
  token: 't',
  appid: 'wxa',
  secret: 's',
  media: 'm-1',
  roomId: '7',
  goodsId: '8',
  goodsId2: '9',
  auditId: '10',
  startTime: '1',
  endTime: '2',
};

describe('conformance data', () => {
  it('SDK_PROFILES: every call names one of the 44 items and JSON bodies parse once filled', () => {
    const ids = new Set<string>(ITEMS.map((i) => i.id));
    expect(ITEMS).toHaveLength(44);
    for (const p of SDK_PROFILES) {
      for (const c of p.calls) {
        expect(ids.has(c.item), `${p.id} ${c.item}`).toBe(true);
        if (c.content === 'json')
          expect(() => JSON.parse(fill(c.body ?? '', DUMMY, (v) => v)) as unknown, `${p.id} ${c.item}`).not.toThrow();
        if (c.content === 'form') expect(c.body, `${p.id} ${c.item}`).toMatch(/^[A-Za-z0-9_.%+\-={}&]+$/);
      }
    }
    expect(SDK_PROFILES.find((p) => p.id === 'wechat-samples')?.calls.map((c) => c.item)).toEqual(
      expect.arrayContaining(ITEMS.map((i) => i.id)),
    );
  });

  it('fill: PHP-urlencodes form values and JSON-escapes string values', () => {
    expect(fill('name={{media}}&id={{roomId}}', { media: '测 a/b', roomId: '7' }, phpUrlencode)).toBe('name=%E6%B5%8B+a%2Fb&id=7');
    expect(fill('{"m":"{{media}}"}', { media: 'a"b' }, (v) => JSON.stringify(v).slice(1, -1))).toBe('{"m":"a\\"b"}');
    expect(() => fill('{{roomId}}', {}, (v) => v)).toThrow(/no fixture value for \{\{roomId\}\}/);
  });
});

describe('checkAnswer', () => {
  it('fails a bare 404 with the SDK transport failure', () => {
    const v = checkAnswer({ status: 404, contentType: 'application/json', text: '{"message":"Route not found"}' }, contract({}), transport);
    expect(v.status).toBe('fail');
    expect(v.reasons[0]).toMatch(/^HTTP 404 .*HTTP-ERROR$/);
  });

  it('fails a 200 that is not JSON, and a JSON array', () => {
    expect(checkAnswer(ok('<html>'), contract({}), transport).reasons[0]).toMatch(/NON-JSON/);
    expect(checkAnswer(ok('[1]'), contract({}), transport).status).toBe('fail');
  });

  it('fails a missing errcode only when the SDK reads it itself', () => {
    expect(checkAnswer(ok('{"roomId":1}'), contract({ errcode: 'required' }), transport).status).toBe('fail');
    expect(checkAnswer(ok('{"roomId":1}'), contract({ errcode: 'optional' }), transport).status).toBe('pass');
  });

  it('fails a non-zero errcode unless the contract accepts or expects it', () => {
    expect(checkAnswer(ok('{"errcode":300023,"errmsg":"x"}'), contract({}), transport).reasons[0]).toMatch(
      /errcode 300023 "x": the SDK throws/,
    );
    expect(checkAnswer(ok('{"errcode":300023}'), contract({ acceptErrcodes: [300023] }), transport).status).toBe('pass');
    expect(checkAnswer(ok('{"errcode":0}'), contract({ expectErrcodes: [40066] }), transport).status).toBe('fail');
    expect(checkAnswer(ok('{"errcode":40066}'), contract({ expectErrcodes: [40066] }), transport).status).toBe('pass');
  });

  it('checks required, expected and optional fields by type, through arrays', () => {
    const c = contract({
      fields: [
        { path: 'goods', type: 'array', presence: 'required' },
        { path: 'goods[].goodsId', type: 'int', presence: 'required' },
        { path: 'goods[].price', type: 'price', presence: 'expected' },
        { path: 'goods[].price2', type: 'price', presence: 'optional' },
      ],
    });
    expect(checkAnswer(ok('{"goods":[{"goodsId":1,"price":11.5}]}'), c, transport).status).toBe('pass');
    const v = checkAnswer(ok('{"goods":[{"goodsId":"1","price":11.555,"price2":"x"}]}'), c, transport);
    expect(v.status).toBe('fail');
    expect(v.reasons).toEqual([
      'goods[0].goodsId: string "1", the parser needs int',
      'goods[0].price: number 11.555, the parser needs price',
      'goods[0].price2: string "x", the parser needs price',
    ]);
    expect(checkAnswer(ok('{"goods":[{}]}'), c, transport).reasons).toEqual([
      'goods[0].goodsId: missing (the SDK throws without it)',
      'goods[0].price: missing (the caller reads it; gets null/zero)',
    ]);
  });

  it('reports a type the SDK wrongly expects as a conflict, not a pass or a fail', () => {
    const c = contract({ fields: [{ path: 'goodsId', type: 'str', presence: 'expected', conflict: 'Go string' }] });
    const v = checkAnswer(ok('{"errcode":0,"goodsId":51}'), c, transport);
    expect(v.status).toBe('conflict');
    expect(v.reasons[0]).toMatch(/SDK bug: Go string/);
  });
});

describe('hasType and leaves', () => {
  it('hasType: int~ takes digit strings and int does not; price takes at most two decimals', () => {
    expect([hasType('12', 'int~'), hasType('12', 'int'), hasType(1.5, 'int~')]).toEqual([true, false, false]);
    expect([hasType(99.5, 'price'), hasType(99.555, 'price'), hasType('99.50', 'price~'), hasType('99.50', 'price')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect([hasType(1, 'str~'), hasType(1, 'str'), hasType(null, 'any'), hasType(undefined, 'any')]).toEqual([true, false, true, false]);
  });

  it('leaves: walks every array element and gives nothing under a missing parent', () => {
    expect(leaves({ a: [{ b: 1 }, {}] }, 'a[].b').map((l) => [l.at, l.present])).toEqual([
      ['a[0].b', true],
      ['a[1].b', false],
    ]);
    expect(leaves({}, 'a[].b')).toEqual([]);
    expect(leaves({ k: ['x', 2] }, 'k[]').map((l) => l.value)).toEqual(['x', 2]);
  });
});

/** SDK bugs (the SDK cannot parse what WeChat itself sends; docs/wechat-reference.md has the evidence): reported, not hidden. */
export const KNOWN_SDK_BUGS: ReadonlyArray<{ sdk: SdkId; item: ItemId; field: string }> = [
  { sdk: 'powerwechat', item: 'goods_add', field: 'goodsId' },
  { sdk: 'powerwechat', item: 'followers', field: 'page_break' },
];

describe.each(testDbKinds())('runConformance against a real server on %s', (kind) => {
  let t: TestServer;
  let report: ConformanceReport;
  let token = '';
  beforeAll(async () => {
    t = await startServer(kind);
    const fx = await serverFixtures(t);
    token = await fx.token();
    report = await runConformance(t.url, fx);
  }, 240_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('runConformance: every call of every SDK passes its parser contract, except the listed SDK bugs', () => {
    const ready = report.results;
    expect(ready.length).toBe(SDK_PROFILES.flatMap((p) => p.calls).length);
    const bad = ready
      .filter((r) => r.verdict.status === 'fail')
      .map((r) => `${r.sdk} ${r.item} ${r.variant ?? ''}: ${r.verdict.reasons.join('; ')}`);
    expect(bad).toEqual([]);
    const conflicts = ready
      .filter((r) => r.verdict.status === 'conflict')
      .map((r) => `${r.sdk} ${r.item}`)
      .sort();
    expect(conflicts).toEqual(KNOWN_SDK_BUGS.map((b) => `${b.sdk} ${b.item}`).sort());
    for (const b of KNOWN_SDK_BUGS) {
      const r = report.results.find((x) => x.sdk === b.sdk && x.item === b.item)!;
      expect(r.verdict.reasons.join(' '), `${b.sdk} ${b.item}`).toMatch(new RegExp(`^${b.field}: .*SDK bug`));
    }
  });

  it("runConformance: the matrix has every item of every SDK that calls it, and no item is absent for WeChat's samples", () => {
    for (const p of SDK_PROFILES) {
      const calls = new Set(p.calls.map((c) => c.item));
      for (const it of ITEMS) {
        const cell = report.matrix[p.id][it.id];
        if (!calls.has(it.id)) expect(cell, `${p.id} ${it.id}`).toBe('absent');
        else expect(['pass', 'conflict'], `${p.id} ${it.id}`).toContain(cell);
      }
    }
    expect(ITEMS.filter((i) => report.matrix['wechat-samples'][i.id] === 'absent')).toEqual([]);
  });

  it('runConformance: no request URL or answer in the report carries the access_token', () => {
    expect(report.results.filter((r) => r.request.url.includes(token) || (r.answer?.text ?? '').includes(token))).toEqual([]);
  });
});
