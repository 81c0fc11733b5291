/** A real `zhibo serve` child process, for restart and crash tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../server/dist/app/cli.js', import.meta.url));

export interface ServerProcess {
  proc: ChildProcess;
  http: string;
  rtmp: string;
  output: () => string;
  /** SIGKILL: no shutdown code runs (a crash). */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

export async function startServerProcess(dataDir: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--http', '127.0.0.1:0', '--rtmp', '127.0.0.1:0'], {
    env: { ...process.env, ZHIBO_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const http = /HTTP API:\s+(\S+)/.exec(out)?.[1];
    const rtmp = /RTMP ingest:\s+(\S+)/.exec(out)?.[1];
    if (http && rtmp) {
      return {
        proc,
        http,
        rtmp,
        output: () => out,
        async kill() {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
          await exited;
        },
        async stop() {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (proc.exitCode !== null) throw new Error(`zhibo serve exited ${proc.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`zhibo serve did not start within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
