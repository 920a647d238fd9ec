// SQL for officer accounts, their sessions and API tokens, login limits, and the audit search.
import { writeTransaction, type Db } from './db.js';

export type Role = 'admin' | 'petugas' | 'viewer';

export interface OfficerRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  must_change: number;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  lang: 'id' | 'en';
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface SessionRow {
  token_hash: string;
  officer_id: number;
  csrf: string;
  created_at: string;
  last_seen_at: string;
}

export interface TokenRow {
  id: number;
  officer_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface LoginFailureRow {
  scope: string;
  failures: number;
  first_at: string;
  locked_until: string | null;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
}

export class OfficersStore {
  constructor(readonly db: Db) {}

  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM officers').pluck().get() as number;
  }

  insert(o: { username: string; displayName: string; role: Role; passwordHash: string; mustChange: boolean }, now: Date): OfficerRow | undefined {
    const at = now.toISOString();
    const r = this.db
      .prepare('INSERT INTO officers (username, display_name, role, password_hash, must_change, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING')
      .run(o.username, o.displayName, o.role, o.passwordHash, o.mustChange ? 1 : 0, at, at);
    return r.changes ? this.byId(Number(r.lastInsertRowid)) : undefined;
  }

  byId(id: number): OfficerRow | undefined {
    return this.db.prepare('SELECT * FROM officers WHERE id = ?').get(id) as OfficerRow | undefined;
  }

  byUsername(username: string): OfficerRow | undefined {
    return this.db.prepare('SELECT * FROM officers WHERE username = ?').get(username) as OfficerRow | undefined;
  }

  list(): OfficerRow[] {
    return this.db.prepare('SELECT * FROM officers ORDER BY username').all() as OfficerRow[];
  }

  setPassword(id: number, hash: string, mustChange: boolean, now: Date): void {
    this.db.prepare('UPDATE officers SET password_hash = ?, must_change = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?').run(hash, mustChange ? 1 : 0, now.toISOString(), id);
  }

  setRole(id: number, role: Role, now: Date): void {
    this.db.prepare('UPDATE officers SET role = ?, updated_at = ? WHERE id = ?').run(role, now.toISOString(), id);
  }

  setDisabled(id: number, disabled: boolean, now: Date): void {
    this.db.prepare('UPDATE officers SET disabled = ?, updated_at = ? WHERE id = ?').run(disabled ? 1 : 0, now.toISOString(), id);
  }

  setLang(id: number, lang: 'id' | 'en'): void {
    this.db.prepare('UPDATE officers SET lang = ? WHERE id = ?').run(lang, id);
  }

  recordFailedLogin(id: number, lockedUntil: Date | null): number {
    return this.db
      .prepare('UPDATE officers SET failed_logins = failed_logins + 1, locked_until = coalesce(?, locked_until) WHERE id = ? RETURNING failed_logins')
      .pluck()
      .get(lockedUntil?.toISOString() ?? null, id) as number;
  }

  recordLogin(id: number, now: Date): void {
    this.db.prepare('UPDATE officers SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?').run(now.toISOString(), id);
  }

  // ---- sessions

  insertSession(tokenHash: string, officerId: number, csrf: string, now: Date): void {
    const at = now.toISOString();
    this.db.prepare('INSERT INTO officer_sessions (token_hash, officer_id, csrf, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)').run(tokenHash, officerId, csrf, at, at);
  }

  session(tokenHash: string): SessionRow | undefined {
    return this.db.prepare('SELECT * FROM officer_sessions WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined;
  }

  touchSession(tokenHash: string, now: Date): void {
    this.db.prepare('UPDATE officer_sessions SET last_seen_at = ? WHERE token_hash = ?').run(now.toISOString(), tokenHash);
  }

  deleteSession(tokenHash: string): void {
    this.db.prepare('DELETE FROM officer_sessions WHERE token_hash = ?').run(tokenHash);
  }

  deleteSessionsOf(officerId: number, except?: string): number {
    return this.db.prepare('DELETE FROM officer_sessions WHERE officer_id = ? AND token_hash IS NOT ?').run(officerId, except ?? null).changes;
  }

  pruneSessions(idleBefore: Date): number {
    return this.db.prepare('DELETE FROM officer_sessions WHERE last_seen_at < ?').run(idleBefore.toISOString()).changes;
  }

  // ---- API tokens

  insertToken(officerId: number, name: string, tokenHash: string, prefix: string, now: Date): TokenRow {
    const r = this.db.prepare('INSERT INTO officer_tokens (officer_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)').run(officerId, name, tokenHash, prefix, now.toISOString());
    return this.db.prepare('SELECT * FROM officer_tokens WHERE id = ?').get(Number(r.lastInsertRowid)) as TokenRow;
  }

  tokenByHash(tokenHash: string): TokenRow | undefined {
    return this.db.prepare('SELECT * FROM officer_tokens WHERE token_hash = ? AND revoked_at IS NULL').get(tokenHash) as TokenRow | undefined;
  }

  tokensOf(officerId: number): TokenRow[] {
    return this.db.prepare('SELECT * FROM officer_tokens WHERE officer_id = ? ORDER BY id DESC').all(officerId) as TokenRow[];
  }

  tokenById(id: number): TokenRow | undefined {
    return this.db.prepare('SELECT * FROM officer_tokens WHERE id = ?').get(id) as TokenRow | undefined;
  }

  touchToken(id: number, now: Date): void {
    this.db.prepare('UPDATE officer_tokens SET last_used_at = ? WHERE id = ?').run(now.toISOString(), id);
  }

  revokeToken(id: number, now: Date): boolean {
    return this.db.prepare('UPDATE officer_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now.toISOString(), id).changes > 0;
  }

  // ---- login limits per client address

  loginFailure(scope: string): LoginFailureRow | undefined {
    return this.db.prepare('SELECT * FROM login_failures WHERE scope = ?').get(scope) as LoginFailureRow | undefined;
  }

  putLoginFailure(row: LoginFailureRow): void {
    this.db
      .prepare('INSERT INTO login_failures (scope, failures, first_at, locked_until) VALUES (@scope, @failures, @first_at, @locked_until) ON CONFLICT (scope) DO UPDATE SET failures = excluded.failures, first_at = excluded.first_at, locked_until = excluded.locked_until')
      .run(row);
  }

  /** Drops login-failure counters (their scope names a username or an address) older than `before` and not locking now. */
  pruneLoginFailures(before: Date, now: Date): number {
    return this.db.prepare('DELETE FROM login_failures WHERE first_at < ? AND (locked_until IS NULL OR locked_until < ?)').run(before.toISOString(), now.toISOString()).changes;
  }

  clearLoginFailure(scope: string): void {
    this.db.prepare('DELETE FROM login_failures WHERE scope = ?').run(scope);
  }

  // ---- audit search

  searchAudit(q: { text?: string; actor?: string; action?: string; from?: string; to?: string; limit: number; offset: number }): { total: number; rows: AuditRow[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.text) {
      where.push('(subject LIKE ? OR detail LIKE ? OR action LIKE ?)');
      const like = `%${q.text.replace(/[%_]/g, '')}%`;
      args.push(like, like, like);
    }
    if (q.actor) (where.push('actor = ? COLLATE NOCASE'), args.push(q.actor));
    if (q.action) (where.push('action LIKE ?'), args.push(`${q.action.replace(/[%_]/g, '')}%`));
    if (q.from) (where.push('at >= ?'), args.push(q.from));
    if (q.to) (where.push('at < ?'), args.push(q.to));
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db.prepare(`SELECT count(*) FROM audit_log ${w}`).pluck().get(...args) as number;
    const rows = this.db.prepare(`SELECT * FROM audit_log ${w} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as AuditRow[];
    return { total, rows };
  }
}
