/**
 * S-API-4's daily counter under load: getliveinfo calls that arrive while a count is being committed are counted
 * together by the next transaction (one counting transaction at a time), so a burst costs a handful of transactions,
 * not one each — and every call is still counted exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchant, startServer, type TestServer } from './helpers.js';

describe('the daily API quota under a burst', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer('pglite', { env: { ZHIBO_DAILY_QUOTA: '100000' } });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  /** Database transactions so far (the metrics registry's count of `op="tx"`). */
  const transactions = async () =>
    Number(/zhibo_db_query_duration_seconds_count\{op="tx"\} (\d+)/.exec(await t.z.metrics.text())?.[1] ?? 0);

  it('200 getliveinfo calls at once: all answered and counted once each, in a few counting transactions', async () => {
    const m = await merchant(t);
    await m.room();
    const before = await transactions();
    const answers = await Promise.all(Array.from({ length: 200 }, () => m.post('/wxa/business/getliveinfo', { start: 0, limit: 10 })));
    expect(answers.every((a) => a.errcode === 0)).toBe(true);
    const used = await transactions();
    expect(used - before).toBeLessThanOrEqual(50); // one per call (199 of 200) before batching across commits
    // exactly 200 counted: with a quota of 200 + 5 the next 5 calls pass and the 6th is refused
    await t.z.services.apps.updateSettings(m.appid, { dailyQuota: 205 });
    for (let i = 0; i < 5; i++) expect((await m.post('/wxa/business/getliveinfo', { start: 0, limit: 10 })).errcode).toBe(0);
    expect((await m.post('/wxa/business/getliveinfo', { start: 0, limit: 10 })).errcode).toBe(45009);
  });
});
