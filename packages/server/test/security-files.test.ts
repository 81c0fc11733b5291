/**
 * Issue 10, Medium 9 and Low 17 (CLI side): the data directory is 0700 and its files 0600 — created so by `zhibo serve`
 * and fixed (with one log line) at every start; the admin token is printed at the first start only; a second
 * `zhibo serve` on the same data says that zhibo is already running there.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, startServerProcess, type ServerProcess } from '@zhibo/testkit';
import { startServer } from './helpers.js';
import { recordingLog } from './security-helpers.js';

/**
 * What under dir lets group or others in: every directory, and every file outside pg/ (PGlite's WASM file layer creates
 * the files it adds while running 0666; no one else can reach them through the 0700 directories, and the next start
 * makes them 0600 — data-dir.ts).
 */
function openToOthers(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    const inPg = p.startsWith(join(dir, 'pg'));
    if (st.mode & 0o077 && (st.isDirectory() || !inPg)) out.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(dir);
  return out;
}

/** Files under dir/pg open to others (PGlite's files: made 0600 when the database opens). */
function pgFilesOpen(dir: string): number {
  let n = 0;
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const x of readdirSync(p)) walk(join(p, x));
    else if (st.mode & 0o077) n++;
  };
  walk(join(dir, 'pg'));
  return n;
}

function runCli(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ZHIBO_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`zhibo ${args.join(' ')} did not exit in ${timeoutMs} ms: ${out}`));
    }, timeoutMs);
    p.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('the data directory', () => {
  const dirs: string[] = [];
  const procs: ServerProcess[] = [];
  afterAll(async () => {
    for (const p of procs) await p.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('at start, what other users could read is made owner-only (0700/0600), with one log line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zhibo-modes-'));
    dirs.push(dataDir);
    chmodSync(dataDir, 0o777);
    mkdirSync(join(dataDir, 'recordings'), { mode: 0o755 });
    writeFileSync(join(dataDir, 'recordings', 'old.flv'), 'x', { mode: 0o666 });
    chmodSync(join(dataDir, 'recordings', 'old.flv'), 0o666);
    writeFileSync(join(dataDir, 'admin-token'), 'secret-token-of-the-test\n', { mode: 0o644 });
    chmodSync(join(dataDir, 'admin-token'), 0o644);
    const log = recordingLog();
    const t = await startServer('pglite', { log, reuse: { dataDir, databaseUrl: undefined } });
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'recordings')).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'recordings', 'old.flv')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
      const lines = log.lines.filter((l) => /open to other users/.test(l.msg));
      expect(lines).toHaveLength(1);
      expect(lines[0]!.msg).toMatch(/4 file\(s\) or folder\(s\)/);
    } finally {
      await t.close();
    }
  });

  it('zhibo serve creates everything owner-only, prints the admin token once, and a second serve says it is already running', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'zhibo-cli-modes-')), 'data');
    dirs.push(dataDir);
    const first = await startServerProcess(dataDir);
    procs.push(first);
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    expect(first.output()).toContain(`admin token:  ${token}`);
    expect(existsSync(join(dataDir, 'server.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'pg'))).toBe(true);
    expect(openToOthers(dataDir)).toEqual([]);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const second = await runCli(['serve', '--data', dataDir, '--http', '127.0.0.1:0', '--rtmp', '127.0.0.1:0']);
    expect(second.code).not.toBe(0);
    expect(second.out).toMatch(
      new RegExp(
        `zhibo is already running on ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(process ${first.proc.pid}, ${first.http}\\)`,
      ),
    );
    expect(second.out).not.toMatch(/does not answer/);

    await first.stop();
    procs.pop();
    const restarted = await startServerProcess(dataDir);
    procs.push(restarted);
    expect(restarted.output()).toContain(`admin token:  in ${join(dataDir, 'admin-token')}`);
    expect(restarted.output()).not.toContain(token);
    expect(openToOthers(dataDir)).toEqual([]);
    expect(pgFilesOpen(dataDir)).toBeLessThan(20); // at most what PGlite added since it opened
  });
});
