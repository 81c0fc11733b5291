/**
 * Issue 10, Medium 8: sign-in attempts are counted before the password is checked (40 parallel guesses get 5 checks),
 * per account and per IP; a device that signed in before is exempt from the account's lockout (the owner still gets
 * in) but not from the per-IP limit; weak passwords are refused; a generated password must be changed after use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKinds } from '@zhibo/testkit';
import { startServer, type TestServer } from './helpers.js';
import { ConsoleClient } from './console-helpers.js';
import { raw } from './security-helpers.js';

interface Attempt {
  status: number;
  body: Record<string, unknown>;
  device: string | undefined;
  session: string | undefined;
}

describe.each(testDbKinds())('console sign-in on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer(kind);
    await t.z.services.accounts.create({ login: 'boss', name: 'Operator', role: 'operator', password: 'the operator passphrase' });
  });
  afterAll(async () => t.cleanup());

  /** POST /console/api/login from `from` (a loopback address), with a device cookie if given. */
  async function login(user: string, password: string, o: { device?: string; from?: string } = {}): Promise<Attempt> {
    const r = await raw(`${t.url}/console/api/login`, {
      method: 'POST',
      localAddress: o.from ?? '127.0.0.1',
      body: JSON.stringify({ login: user, password }),
      headers: { 'content-type': 'application/json', ...(o.device ? { cookie: `zhibo_device=${o.device}` } : {}) },
    });
    const cookies = (r.headers['set-cookie'] as string[] | undefined) ?? [];
    const value = (name: string) =>
      cookies
        .find((c) => c.startsWith(`${name}=`) && !c.includes('Max-Age=0'))
        ?.split(';')[0]!
        .slice(name.length + 1);
    return {
      status: r.status,
      body: JSON.parse(r.body) as Record<string, unknown>,
      device: value('zhibo_device'),
      session: value('zhibo_console'),
    };
  }

  it('40 parallel wrong guesses: only 5 passwords are checked, the other 35 are refused before checking', async () => {
    await t.z.services.accounts.create({ login: 'victim', name: 'V', role: 'merchant', password: 'correct horse battery' });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login('victim', `guess number ${i}`)));
    const counts = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 400: 5, 429: 35 });
    const locked = await login('victim', 'correct horse battery');
    expect(locked.status).toBe(429);
    expect(String(locked.body.message)).toMatch(/Too many failed sign-ins; try again in 5 minute/);
    // The lock ends after its time, and doubles the next time.
    t.clock.advance(5 * 60_000 + 1);
    expect((await login('victim', 'correct horse battery')).status).toBe(200);
  });

  it("the owner's known device still gets in while an attacker has locked the account; a new device does not", async () => {
    await t.z.services.accounts.create({ login: 'owner', name: 'O', role: 'merchant', password: 'correct horse battery' });
    const first = await login('owner', 'correct horse battery');
    expect(first.status).toBe(200);
    expect(first.device).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    for (let i = 0; i < 5; i++) expect((await login('owner', `attacker guess ${i}`, { from: '127.0.0.3' })).status).toBe(400);
    expect((await login('owner', 'correct horse battery', { from: '127.0.0.3' })).status).toBe(429);
    expect((await login('owner', 'correct horse battery')).status).toBe(429); // the owner on a new browser
    const again = await login('owner', 'correct horse battery', { device: first.device });
    expect(again.status).toBe(200);
    expect(again.device).toBe(first.device);
    // A device cookie of another account does not help.
    const other = await login('boss', 'the operator passphrase');
    expect((await login('owner', 'correct horse battery', { device: other.device })).status).toBe(429);
  });

  it('30 failures from one IP refuse every sign-in from it for 15 minutes, known devices too; other IPs are not affected', async () => {
    const known = await login('boss', 'the operator passphrase', { from: '127.0.0.4' });
    expect(known.status).toBe(200);
    for (let i = 0; i < 30; i++) expect((await login(`nobody${i}`, 'some guess here', { from: '127.0.0.4' })).status).toBe(400);
    const refused = await login('boss', 'the operator passphrase', { from: '127.0.0.4', device: known.device });
    expect(refused.status).toBe(429);
    expect(String(refused.body.message)).toMatch(/from your network/);
    expect((await login('boss', 'the operator passphrase', { from: '127.0.0.5', device: known.device })).status).toBe(200);
    t.clock.advance(15 * 60_000 + 1);
    expect((await login('boss', 'the operator passphrase', { from: '127.0.0.4', device: known.device })).status).toBe(200);
  });

  it('refuses weak new passwords: short, common (also with digits around), repeated or a simple run', async () => {
    const op = new ConsoleClient(t.url);
    expect((await op.login('boss', 'the operator passphrase')).status).toBe(200);
    for (const pw of [
      'aaaaaaaaaa',
      'short',
      'password1234',
      '1234567890',
      'qwertyuiop',
      'abcdefghij',
      '9876543210',
      'iloveyou2024!',
      'ababababab',
      'Dragon123456',
    ]) {
      const r = await op.post('/accounts', { login: 'weakling', name: 'W', password: pw });
      expect(r.status, pw).toBe(400);
      expect(r.body.fields?.password, pw).toBeTruthy();
    }
    expect((await op.post('/password', { current: 'the operator passphrase', next: 'password2025' })).body.fields?.next).toMatch(/common/);
    const ok = await op.post('/accounts', { login: 'weakling', name: 'W', password: 'tea leaves in spring' });
    expect(ok.status).toBe(200);
  });

  it('a generated password (reset by the operator or the CLI) works once: the account must choose its own before anything else', async () => {
    const op = new ConsoleClient(t.url);
    expect((await op.login('boss', 'the operator passphrase')).status).toBe(200);
    const created = await op.post('/accounts', { login: 'fresh', name: 'F' });
    const id = (created.body.account as { id: number }).id;
    const reset = await op.post(`/accounts/${id}/password`);
    const generated = reset.body.password as string;
    for (const pw of [created.body.password as string, generated]) expect(pw).toMatch(/^\w{16}$/);
    const c = new ConsoleClient(t.url);
    const signed = await c.login('fresh', generated);
    expect(signed.body.mustChangePassword).toBe(true);
    for (const r of [await c.get('/apps'), await c.post('/apps', { name: 'x' })]) {
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('password_change_required');
    }
    expect((await c.post('/password', { current: generated, next: generated })).status).toBe(400);
    const changed = await c.post('/password', { current: generated, next: 'my own tea passphrase' });
    expect(changed.status).toBe(200);
    c.csrf = changed.body.csrf as string;
    expect((await c.get('/apps')).status).toBe(200);
    // The admin API's reset (what `zhibo operator reset-password` calls) marks the operator the same way.
    const cli = await fetch(`${t.url}/admin/api/operator/reset-password`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.z.services.adminToken}` },
    });
    const { password } = (await cli.json()) as { password: string };
    const admin = new ConsoleClient(t.url);
    expect((await admin.login('admin', password)).body.mustChangePassword).toBe(true);
    expect((await admin.get('/accounts')).status).toBe(403);
  });
});
