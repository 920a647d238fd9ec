// Officer accounts: passwords (argon2id), cookie sessions, per-officer API tokens, and the
// login limits (lock-out per account and per client address). No SQL here: OfficersStore.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/types.js';
import type { CoreStore } from '../store/core-store.js';
import type { OfficerRow, OfficersStore, Role } from '../store/officers-store.js';

// argon2 is a native module (~4 MiB of RSS once loaded): imported on the first password hashed
// or checked, not at start-up (most of the time nobody is logging in).
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));
const argonHash = async (password: string) => (await loadArgon2()).hash(password);
/** False for a wrong password or an unreadable hash; a failure to load argon2 itself is thrown. */
const argonVerify = async (hash: string, password: string) => {
  const { verify } = await loadArgon2();
  return verify(hash, password).catch(() => false);
};

export type { Role };
export const ROLES: Role[] = ['admin', 'petugas', 'viewer'];
const RANK: Record<Role, number> = { viewer: 0, petugas: 1, admin: 2 };

/** Does `role` include the rights of `needed`? admin ⊃ petugas ⊃ viewer. */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,32}$/, 'nama pengguna: 3–32 huruf kecil, angka, titik, - atau _');
export const Password = z.string().min(10, 'kata sandi minimal 10 karakter').max(200, 'kata sandi terlalu panjang');

export interface AuthOfficer {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  lang: 'id' | 'en';
  mustChange: boolean;
}

export interface OfficerSettings {
  /** A session unused this long ends. */
  idleMinutes: number;
  /** Wrong passwords in a row before an account is locked. */
  maxFailures: number;
  /** Wrong passwords from one client address (any account) within lockMinutes before it is locked. */
  maxFailuresPerIp: number;
  lockMinutes: number;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** Equal-time comparison of two secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** A readable one-time password: 4 groups of 4 letters/digits without look-alikes. */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

export type LoginResult =
  | { ok: true; officer: AuthOfficer; session: string; csrf: string }
  | { ok: false; reason: 'invalid' | 'locked' | 'ip_locked'; minutes?: number };

export function authOf(o: OfficerRow): AuthOfficer {
  return { id: o.id, username: o.username, displayName: o.display_name, role: o.role, lang: o.lang, mustChange: Boolean(o.must_change) };
}

export class OfficersService {
  /** Verified against when the username is unknown, so both answers take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly d: { store: OfficersStore; core: CoreStore; clock: Clock; settings: OfficerSettings },
  ) {}

  get settings(): OfficerSettings {
    return this.d.settings;
  }

  count(): number {
    return this.d.store.count();
  }

  listDetailed() {
    const now = this.d.clock.now().toISOString();
    return this.d.store.list().map((o) => ({
      ...authOf(o),
      disabled: Boolean(o.disabled),
      locked: Boolean(o.locked_until && o.locked_until > now),
      lastLoginAt: o.last_login_at,
      tokens: this.d.store.tokensOf(o.id).filter((t) => !t.revoked_at).map((t) => ({ id: t.id, name: t.name, prefix: t.prefix, createdAt: t.created_at, lastUsedAt: t.last_used_at })),
    }));
  }

  byId(id: number): AuthOfficer | undefined {
    const o = this.d.store.byId(id);
    return o ? authOf(o) : undefined;
  }

  /** A new account with a one-time password (shown once; the officer must change it at first login). */
  async create(input: { username: string; role: Role; displayName?: string; password?: string }, by: string): Promise<{ ok: true; officer: AuthOfficer; password: string } | { ok: false; error: string }> {
    const username = Username.safeParse(input.username);
    if (!username.success) return { ok: false, error: username.error.issues[0]!.message };
    if (!ROLES.includes(input.role)) return { ok: false, error: `peran harus salah satu dari: ${ROLES.join(', ')}` };
    const password = input.password ?? oneTimePassword();
    const pw = Password.safeParse(password);
    if (!pw.success) return { ok: false, error: pw.error.issues[0]!.message };
    const passwordHash = await argonHash(password);
    const now = this.d.clock.now();
    const row = this.d.store.transaction(() => {
      const made = this.d.store.insert({ username: username.data, displayName: input.displayName?.trim() || username.data, role: input.role, passwordHash, mustChange: input.password === undefined }, now);
      if (made) this.d.core.audit(by, 'officer.create', made.username, { role: made.role }, now);
      return made;
    });
    if (!row) return { ok: false, error: `nama pengguna "${username.data}" sudah dipakai` };
    return { ok: true, officer: authOf(row), password };
  }

  /** Checks a password with limits per account and per client address. */
  async login(usernameRaw: string, password: string, ip: string): Promise<LoginResult> {
    const now = this.d.clock.now();
    const s = this.d.settings;
    const ipScope = `ip:${ip}`;
    const ipRow = this.d.store.loginFailure(ipScope);
    if (ipRow?.locked_until && Date.parse(ipRow.locked_until) > now.getTime()) {
      return { ok: false, reason: 'ip_locked', minutes: Math.ceil((Date.parse(ipRow.locked_until) - now.getTime()) / 60_000) };
    }
    const username = usernameRaw.trim().toLowerCase().slice(0, 64);
    const row = this.d.store.byUsername(username);
    // Same work whether or not the account exists (no timing oracle for usernames).
    this.dummyHash ??= argonHash(oneTimePassword());
    const good = row ? await argonVerify(row.password_hash, password) : (await argonVerify(await this.dummyHash, password), false);
    if (row && row.locked_until && Date.parse(row.locked_until) > now.getTime()) {
      return { ok: false, reason: 'locked', minutes: Math.ceil((Date.parse(row.locked_until) - now.getTime()) / 60_000) };
    }
    if (!row || !good || row.disabled) {
      this.d.store.transaction(() => {
        const fresh = !ipRow || now.getTime() - Date.parse(ipRow.first_at) > s.lockMinutes * 60_000;
        const failures = fresh ? 1 : ipRow.failures + 1;
        const lock = failures >= s.maxFailuresPerIp ? new Date(now.getTime() + s.lockMinutes * 60_000).toISOString() : null;
        this.d.store.putLoginFailure({ scope: ipScope, failures: lock ? 0 : failures, first_at: fresh || lock ? now.toISOString() : ipRow!.first_at, locked_until: lock });
        if (row && !row.disabled) {
          const locks = row.failed_logins + 1 >= s.maxFailures;
          const n = this.d.store.recordFailedLogin(row.id, locks ? new Date(now.getTime() + s.lockMinutes * 60_000) : null);
          if (locks) this.d.core.audit(row.username, 'officer.locked', row.username, { failures: n }, now);
        }
      });
      return { ok: false, reason: 'invalid' };
    }
    const session = token();
    const csrf = token(24);
    this.d.store.transaction(() => {
      this.d.store.recordLogin(row.id, now);
      this.d.store.insertSession(sha256(session), row.id, csrf, now);
      this.d.core.audit(row.username, 'officer.login', row.username, undefined, now);
    });
    return { ok: true, officer: authOf(row), session, csrf };
  }

  /** The officer behind a session cookie, if the session is live; refreshes its idle timer. */
  session(sessionToken: string): { officer: AuthOfficer; csrf: string } | undefined {
    if (!sessionToken) return undefined;
    const now = this.d.clock.now();
    const h = sha256(sessionToken);
    const s = this.d.store.session(h);
    if (!s) return undefined;
    if (now.getTime() - Date.parse(s.last_seen_at) > this.d.settings.idleMinutes * 60_000) {
      this.d.store.deleteSession(h);
      return undefined;
    }
    const o = this.d.store.byId(s.officer_id);
    if (!o || o.disabled) return undefined;
    // Writing on every request would be wasteful: once a minute is enough for an idle timer.
    if (now.getTime() - Date.parse(s.last_seen_at) > 60_000) this.d.store.touchSession(h, now);
    return { officer: authOf(o), csrf: s.csrf };
  }

  logout(sessionToken: string): void {
    const h = sha256(sessionToken);
    const s = this.d.store.session(h);
    if (!s) return;
    const o = this.d.store.byId(s.officer_id);
    this.d.store.transaction(() => {
      this.d.store.deleteSession(h);
      this.d.core.audit(o?.username ?? '?', 'officer.logout', o?.username ?? null, undefined, this.d.clock.now());
    });
  }

  async changePassword(id: number, current: string, next: string, sessionToken?: string): Promise<{ ok: true } | { ok: false; error: string }> {
    const o = this.d.store.byId(id);
    if (!o) return { ok: false, error: 'akun tidak ditemukan' };
    if (!(await argonVerify(o.password_hash, current))) return { ok: false, error: 'kata sandi sekarang salah' };
    const pw = Password.safeParse(next);
    if (!pw.success) return { ok: false, error: pw.error.issues[0]!.message };
    if (next === current) return { ok: false, error: 'kata sandi baru harus berbeda' };
    const h = await argonHash(next);
    const now = this.d.clock.now();
    this.d.store.transaction(() => {
      this.d.store.setPassword(id, h, false, now);
      // Other sessions of this account end (a leaked password stops working everywhere).
      this.d.store.deleteSessionsOf(id, sessionToken ? sha256(sessionToken) : undefined);
      this.d.core.audit(o.username, 'officer.password_change', o.username, undefined, now);
    });
    return { ok: true };
  }

  /** An admin resets a password: a new one-time password, all sessions end, lock-out lifted. */
  async resetPassword(id: number, by: string): Promise<{ ok: true; password: string; username: string } | { ok: false; error: string }> {
    const o = this.d.store.byId(id);
    if (!o) return { ok: false, error: 'akun tidak ditemukan' };
    const password = oneTimePassword();
    const h = await argonHash(password);
    const now = this.d.clock.now();
    this.d.store.transaction(() => {
      this.d.store.setPassword(id, h, true, now);
      this.d.store.deleteSessionsOf(id);
      this.d.core.audit(by, 'officer.password_reset', o.username, undefined, now);
    });
    return { ok: true, password, username: o.username };
  }

  setRole(id: number, role: Role, by: string): { ok: true } | { ok: false; error: string } {
    const o = this.d.store.byId(id);
    if (!o) return { ok: false, error: 'akun tidak ditemukan' };
    if (!ROLES.includes(role)) return { ok: false, error: 'peran tidak dikenal' };
    if (o.role === 'admin' && role !== 'admin' && this.activeAdmins() <= 1) return { ok: false, error: 'harus ada setidaknya satu admin' };
    const now = this.d.clock.now();
    this.d.store.transaction(() => {
      this.d.store.setRole(id, role, now);
      this.d.core.audit(by, 'officer.role', o.username, { from: o.role, to: role }, now);
    });
    return { ok: true };
  }

  setDisabled(id: number, disabled: boolean, by: string): { ok: true } | { ok: false; error: string } {
    const o = this.d.store.byId(id);
    if (!o) return { ok: false, error: 'akun tidak ditemukan' };
    if (disabled && o.role === 'admin' && this.activeAdmins() <= 1) return { ok: false, error: 'harus ada setidaknya satu admin' };
    const now = this.d.clock.now();
    this.d.store.transaction(() => {
      this.d.store.setDisabled(id, disabled, now);
      if (disabled) this.d.store.deleteSessionsOf(id);
      this.d.core.audit(by, disabled ? 'officer.disable' : 'officer.enable', o.username, undefined, now);
    });
    return { ok: true };
  }

  setLang(id: number, lang: 'id' | 'en'): void {
    this.d.store.setLang(id, lang);
  }

  private activeAdmins(): number {
    return this.d.store.list().filter((o) => o.role === 'admin' && !o.disabled).length;
  }

  // ---- API tokens (hashed at rest, shown once)

  createToken(officerId: number, name: string, by: string): { ok: true; token: string; prefix: string } | { ok: false; error: string } {
    const o = this.d.store.byId(officerId);
    if (!o) return { ok: false, error: 'akun tidak ditemukan' };
    const label = name.trim().slice(0, 60) || 'token';
    const secret = `adm_${token(30)}`;
    const prefix = secret.slice(0, 8);
    const now = this.d.clock.now();
    this.d.store.transaction(() => {
      this.d.store.insertToken(officerId, label, sha256(secret), prefix, now);
      this.d.core.audit(by, 'officer.token_create', o.username, { name: label, prefix }, now);
    });
    return { ok: true, token: secret, prefix };
  }

  revokeToken(tokenId: number, by: string, ownerId?: number): boolean {
    const t = this.d.store.tokenById(tokenId);
    if (!t || (ownerId !== undefined && t.officer_id !== ownerId)) return false;
    const now = this.d.clock.now();
    return this.d.store.transaction(() => {
      const done = this.d.store.revokeToken(tokenId, now);
      if (done) this.d.core.audit(by, 'officer.token_revoke', this.d.store.byId(t.officer_id)?.username ?? null, { prefix: t.prefix }, now);
      return done;
    });
  }

  /** The officer behind an API token (Authorization: Bearer adm_…), if it is live. */
  byToken(secret: string): AuthOfficer | undefined {
    if (!secret.startsWith('adm_')) return undefined;
    const t = this.d.store.tokenByHash(sha256(secret));
    if (!t) return undefined;
    const o = this.d.store.byId(t.officer_id);
    if (!o || o.disabled) return undefined;
    const now = this.d.clock.now();
    if (!t.last_used_at || now.getTime() - Date.parse(t.last_used_at) > 60_000) this.d.store.touchToken(t.id, now);
    return authOf(o);
  }

  /** The audit log, newest first, for the Audit page (what changed, who, when). */
  searchAudit(q: { text?: string; actor?: string; action?: string; from?: string; to?: string; limit: number; offset: number }) {
    return this.d.store.searchAudit(q);
  }

  housekeeping(now: Date): number {
    // Login-failure counters (usernames typed, addresses) matter for minutes; a day is plenty.
    this.d.store.pruneLoginFailures(new Date(now.getTime() - 86_400_000), now);
    return this.d.store.pruneSessions(new Date(now.getTime() - this.d.settings.idleMinutes * 60_000));
  }
}
