/**
 * Which new console passwords are refused (issue 10; docs/security.md): shorter than 10 characters; on the bundled
 * list of the 10 000 most common passwords (packages/server/data/common-passwords.txt), also with digits or symbols
 * around one (`password2024!`); fewer than 5 different characters (`aaaaaaaaaa`); a run like `abcdefghij` or
 * `9876543210`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/** packages/server/data, from src/modules/console or dist/modules/console. */
const LIST_FILE = fileURLToPath(new URL('../../../data/common-passwords.txt', import.meta.url));

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(LIST_FILE, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.trim()),
  );
  return common;
}

function isRun(s: string): boolean {
  if (s.length < 4) return false;
  const step = s.charCodeAt(1) - s.charCodeAt(0);
  if (step !== 1 && step !== -1) return false;
  for (let i = 2; i < s.length; i++) if (s.charCodeAt(i) - s.charCodeAt(i - 1) !== step) return false;
  return true;
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function weakPasswordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters`;
  const lower = password.normalize('NFKC').toLowerCase();
  if (new Set(lower).size < 5) return 'Use more different characters: this password repeats too few';
  if (isRun(lower)) return 'This password is a simple run of characters; choose another';
  const list = commonPasswords();
  // The password itself, and its core without digits and symbols around it (password1234, !qwerty2024).
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (list.has(lower) || (core.length >= 4 && list.has(core)) || isRun(core))
    return 'This password is one of the most common ones; choose another (a few unrelated words make a strong one)';
  return undefined;
}
