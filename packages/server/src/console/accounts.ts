/**
 * Console accounts (issue 5): the operator (created on first start, its password printed once) and
 * merchants, who own apps (apps.owner = `acct:ID`). Passwords are hashed with scrypt (node:crypto).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import type { Clock } from '@zhibo/core';
import type { Db } from '../db/index.js';
import { FieldError } from './errors.js';

export const Role = { Operator: 'operator', Merchant: 'merchant' } as const;
export type Role = (typeof Role)[keyof typeof Role];

export interface Account {
  id: number;
  login: string;
  name: string;
  role: Role;
  created_at: number;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keyLen: 32 } as const;
export const PASSWORD_MIN = 10;
export const OPERATOR_LOGIN = 'admin';

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number, keyLen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, keyLen, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key))));
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
    throw new FieldError('login', 'Use 3–64 characters: lower-case letters, digits, and . _ @ -');
  return login.trim().toLowerCase();
}

export function checkNewPassword(password: unknown, field = 'password'): string {
  if (typeof password !== 'string' || password.length < PASSWORD_MIN) throw new FieldError(field, `Use at least ${PASSWORD_MIN} characters`);
  if (password.length > 200) throw new FieldError(field, 'Use at most 200 characters');
  return password;
}

export const ownerKey = (accountId: number): string => `acct:${accountId}`;

export class AccountService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async create(input: { login: unknown; name: unknown; role: Role; password: unknown }): Promise<Account> {
    const login = checkLogin(input.login);
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name || name.length > 64) throw new FieldError('name', 'Enter a name of 1–64 characters');
    const password = checkNewPassword(input.password);
    const now = this.clock.now();
    const rows = await this.db.query<Account>(
      `INSERT INTO console_accounts (login, name, role, password_hash, created_at, password_changed_at) VALUES ($1,$2,$3,$4,$5,$5)
       ON CONFLICT (login) DO NOTHING RETURNING id, login, name, role, created_at`,
      [login, name, input.role, await hashPassword(password), now],
    );
    if (!rows[0]) throw new FieldError('login', `The login "${login}" is taken`);
    return rows[0];
  }

  async get(id: number): Promise<Account | undefined> {
    const [row] = await this.db.query<Account>('SELECT id, login, name, role, created_at FROM console_accounts WHERE id = $1', [id]);
    return row;
  }

  async list(): Promise<Account[]> {
    return this.db.query<Account>('SELECT id, login, name, role, created_at FROM console_accounts ORDER BY id');
  }

  /** The account for a login and password, or undefined (the same answer for an unknown login and a wrong password). */
  async authenticate(login: string, password: string): Promise<Account | undefined> {
    const [row] = await this.db.query<Account & { password_hash: string }>(
      'SELECT id, login, name, role, created_at, password_hash FROM console_accounts WHERE login = $1', [login.trim().toLowerCase()]);
    // Hash anyway when the login is unknown, so timing does not tell which logins exist.
    const ok = await verifyPassword(password, row?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    if (!row || !ok) return undefined;
    const { password_hash: _h, ...account } = row;
    return account;
  }

  /** Set a password and end every session of the account. */
  async setPassword(id: number, password: string): Promise<void> {
    const hash = await hashPassword(checkNewPassword(password));
    await this.db.tx(async (sql) => {
      await sql.query('UPDATE console_accounts SET password_hash = $2, password_changed_at = $3 WHERE id = $1', [id, hash, this.clock.now()]);
      await sql.query('DELETE FROM console_sessions WHERE account_id = $1', [id]);
    });
  }

  async byLogin(login: string): Promise<Account | undefined> {
    const [row] = await this.db.query<Account>('SELECT id, login, name, role, created_at FROM console_accounts WHERE login = $1', [login.trim().toLowerCase()]);
    return row;
  }
}

/**
 * First start: create the operator account `admin` with a random password, returned once for the CLI to
 * print. Undefined when an operator exists already.
 */
export async function ensureOperator(db: Db, clock: Clock): Promise<{ login: string; password: string } | undefined> {
  const [n] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM console_accounts WHERE role = 'operator'`);
  if ((n?.n ?? 0) > 0) return undefined;
  const password = generatePassword();
  try {
    await new AccountService(db, clock).create({ login: OPERATOR_LOGIN, name: 'Operator', role: Role.Operator, password });
  } catch (e) {
    if (e instanceof FieldError) return undefined; // another process made it at the same moment
    throw e;
  }
  return { login: OPERATOR_LOGIN, password };
}

/** `zhibo operator reset-password`: a new random password for the operator (its sessions end). */
export async function resetOperatorPassword(db: Db, clock: Clock, login = OPERATOR_LOGIN): Promise<{ login: string; password: string }> {
  const accounts = new AccountService(db, clock);
  const acct = await accounts.byLogin(login);
  const password = generatePassword();
  if (!acct) {
    await accounts.create({ login, name: 'Operator', role: Role.Operator, password });
    return { login, password };
  }
  if (acct.role !== Role.Operator) throw new Error(`${login} is a merchant account, not the operator`);
  await accounts.setPassword(acct.id, password);
  return { login, password };
}
