/** Helpers of the operations tests: free loopback ports, child processes of real tools, a Log that keeps lines. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/app/config.js';
import { createZhibo, type Zhibo, type ZhiboOptions } from '../src/app/zhibo.js';
import { type Log, silentLog } from '../src/lib/log.js';

/** A port that was free a moment ago (for tools that cannot report the port they bound). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Tool {
  proc: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it exited. Idempotent. */
  stop(): Promise<void>;
}

/** Start a tool (prometheus, nginx) in the foreground; its output is kept for failure messages. */
export function startTool(cmd: string, args: string[], opts: { cwd?: string } = {}): Tool {
  const proc = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  proc.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.once('error', (e) => (out += `\nspawn ${cmd}: ${e.message}`));
  return {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/** A Log that keeps every line (level + message). */
export function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => void lines.push(`debug ${m}`),
    info: (m) => void lines.push(`info ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    error: (m) => void lines.push(`error ${m}`),
  };
}

/** A real server (in-memory PGlite; files in a temp dir) with the options startServer() does not take: a log, a disk watermark. */
export async function startOpsServer(
  env: Record<string, string> = {},
  opts: Omit<ZhiboOptions, 'clock'> = {},
): Promise<{ z: Zhibo; url: string; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zhibo-ops-'));
  const config = loadConfig(env, { http: '127.0.0.1:0', rtmp: '127.0.0.1:0', dataDir });
  const z = await createZhibo(config, { log: silentLog, runTimers: false, runReminders: false, memoryDb: true, ...opts });
  const urls = await z.listen();
  return {
    z,
    url: urls.http,
    async cleanup() {
      await z.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
