/** The logging rubric (docs/architecture.md): info = one line per lifecycle transition; nothing at info that can fire more than once a second. */
export interface Log {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
