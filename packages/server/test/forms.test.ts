/**
 * Forms (issue 12 §12): every field error at once, checked in the browser before anything is sent and again by the
 * server, in words a merchant understands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient, readyOperator } from './console-helpers.js';
import { startServer, type TestServer } from './helpers.js';
import { signIn } from './console-browser-helpers.js';
import { launchBrowser, type TestBrowser } from './room-page-helpers.js';

describe('the room form', () => {
  let t: TestServer;
  let c: ConsoleClient;
  let appid = '';
  let op: { login: string; password: string };

  beforeAll(async () => {
    t = await startServer();
    op = await readyOperator(t);
    c = new ConsoleClient(t.url);
    expect((await c.login(op.login, op.password)).status).toBe(200);
    appid = (await c.post('/apps', { name: 'Forms' })).body.appid as string;
  });
  afterAll(() => t?.cleanup());

  it('POST /apps/:appid/rooms with several mistakes answers 400 with every field\u2019s message, and creates nothing', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    const r = await c.post(`/apps/${appid}/rooms`, { name: 'ab', anchorName: '王', startTime: now + 600, endTime: now + 900 });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('5 fields need a change');
    expect(r.body.fields).toEqual({
      name: 'Use 3–17 Chinese characters, or 6–34 letters and digits (a Chinese character counts as 2). This one counts as 2: too short.',
      anchorName:
        'Use 2–15 Chinese characters, or 4–30 letters and digits (a Chinese character counts as 2). This one counts as 2: too short.',
      coverImg: 'Upload a cover image',
      shareImg: 'Upload a share image',
      endTime: 'End at least 30 minutes after the start',
    });
    expect((await c.get(`/apps/${appid}/rooms`)).body.total).toBe(0);
  });

  it('the console shows every problem next to its field before sending anything (Chromium)', async () => {
    const b: TestBrowser = await launchBrowser();
    try {
      const ctx = await b.context('desktop');
      const page = await ctx.newPage();
      await signIn(page, t.url, op.login, op.password);
      await page.goto(`${t.url}/console/#/apps/${appid}/rooms/new`);
      await page.waitForSelector('form[aria-label="New room"]');
      const posts: string[] = [];
      page.on('request', (q) => void (q.method() === 'POST' && q.url().endsWith('/rooms') && posts.push(q.url())));
      await page.fill('input[name=name]', '直播');
      await page.click('button[type=submit]');
      await page.waitForSelector('.has-error');
      const errors: Record<string, string> = await page.$$eval('[data-error-for]', (els) =>
        Object.fromEntries(els.filter((e) => e.textContent).map((e) => [(e as HTMLElement).dataset.errorFor ?? '', e.textContent ?? ''])),
      );
      expect(errors).toMatchObject({
        name: expect.stringContaining('This one counts as 4: too short'),
        anchorName: 'Enter the anchor’s name',
        coverImg: 'Upload a cover image',
        shareImg: 'Upload a share image',
      });
      expect(posts).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
