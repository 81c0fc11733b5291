/**
 * Console accounts (issue 5): the operator (created on first start, its password printed once) and
 * merchants, who own apps (apps.owner = `acct:ID`). Passwords are hashed with scrypt (node:crypto).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { Reason } from '@zhibo/protocol';
import type { Clock } from '@zhibo/core';
import { DomainError } from '../../lib/errors.js';
import { PASSWORD_MIN, weakPasswordProblem } from './passwords.js';
import type { Account, ConsoleSql } from './sql.js';

export type { Account } from './sql.js';

export const Role = { Operator: 'operator', Merchant: 'merchant' } as const;
export type Role = (typeof Role)[keyof typeof Role];

const fieldError = (field: string, message: string) => new DomainError(Reason.BadParameter, message, field);

const SCRYPT = { N: 16384, r: 8, p: 1, keyLen: 32 } as const;
export const OPERATOR_LOGIN = 'admin';

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number, keyLen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, keyLen, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url), so the parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keyLen);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'base64url');
  const got = await scrypt(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p), want.length);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A readable random password (no look-alike characters). */
export function generatePassword(length = 16): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export function checkLogin(login: unknown): string {
  if (typeof login !== 'string' || !/^[a-z0-9][a-z0-9._@-]{2,63}$/.test(login.trim().toLowerCase()))
    throw fieldError('login', 'Use 3–64 characters: lower-case letters, digits, and . _ @ -');
  return login.trim().toLowerCase();
}

/** A new password: long enough and not a common one (passwords.ts). */
export function checkNewPassword(password: unknown, field = 'password'): string {
  if (typeof password !== 'string') throw fieldError(field, `Use at least ${PASSWORD_MIN} characters`);
  const problem = weakPasswordProblem(password);
  if (problem) throw fieldError(field, problem);
  return password;
}

export const ownerKey = (accountId: number): string => `acct:${accountId}`;

export class AccountService {
  constructor(
    private readonly sql: ConsoleSql,
    private readonly clock: Clock,
  ) {}

  /** `generated`: the password was made by zhibo and shown once; the account must change it after signing in. */
  async create(input: { login: unknown; name: unknown; role: Role; password: unknown; generated?: boolean }): Promise<Account> {
    const login = checkLogin(input.login);
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name || name.length > 64) throw fieldError('name', 'Enter a name of 1–64 characters');
    const password = checkNewPassword(input.password);
    const row = await this.sql.insertAccount({
      login,
      name,
      role: input.role,
      passwordHash: await hashPassword(password),
      at: this.clock.now(),
      mustChange: input.generated === true,
    });
    if (!row) throw new DomainError(Reason.Conflict, `The login "${login}" is taken`, 'login');
    return row;
  }

  get(id: number): Promise<Account | undefined> {
    return this.sql.account(id);
  }

  list(): Promise<Account[]> {
    return this.sql.accounts();
  }

  /** The account for a login and password, or undefined (the same answer for an unknown login and a wrong password). */
  async authenticate(login: string, password: string): Promise<Account | undefined> {
    const row = await this.sql.accountByLogin(login.trim().toLowerCase());
    // Hash anyway when the login is unknown, so timing does not tell which logins exist.
    const ok = await verifyPassword(
      password,
      row?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    );
    if (!row || !ok) return undefined;
    const { password_hash: _h, ...account } = row;
    return account;
  }

  /** Set a password and end every session of the account (`generated`: it must be changed after its first use). */
  async setPassword(id: number, password: string, generated = false): Promise<void> {
    await this.sql.setPassword(id, await hashPassword(checkNewPassword(password)), this.clock.now(), generated);
  }

  /** A new random password for an account (shown once; it must be changed after signing in with it). */
  async resetPassword(id: number): Promise<string> {
    const password = generatePassword();
    await this.setPassword(id, password, true);
    return password;
  }

  async byLogin(login: string): Promise<Account | undefined> {
    const row = await this.sql.accountByLogin(login.trim().toLowerCase());
    if (!row) return undefined;
    const { password_hash: _h, ...account } = row;
    return account;
  }

  /**
   * First start: create the operator account `admin` with a random password, returned once for the CLI to print.
   * Undefined when an operator exists already.
   */
  async ensureOperator(): Promise<{ login: string; password: string } | undefined> {
    if ((await this.sql.operatorCount()) > 0) return undefined;
    const password = generatePassword();
    try {
      await this.create({ login: OPERATOR_LOGIN, name: 'Operator', role: Role.Operator, password, generated: true });
    } catch (e) {
      if (e instanceof DomainError) return undefined; // another process made it at the same moment
      throw e;
    }
    return { login: OPERATOR_LOGIN, password };
  }

  /** `zhibo operator reset-password`: a new random password for the operator (its sessions end). */
  async resetOperatorPassword(login = OPERATOR_LOGIN): Promise<{ login: string; password: string }> {
    const acct = await this.byLogin(login);
    const password = generatePassword();
    if (!acct) {
      await this.create({ login, name: 'Operator', role: Role.Operator, password, generated: true });
      return { login, password };
    }
    if (acct.role !== Role.Operator) throw new DomainError(Reason.Forbidden, `${login} is a merchant account, not the operator`);
    await this.setPassword(acct.id, password, true);
    return { login, password };
  }
}
