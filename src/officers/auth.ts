// Who is calling: an officer's session cookie (dashboard), an officer's API token (scripts), or
// the deprecated shared ADMIN_TOKEN. Features ask `officerOf(c)` for the name that goes into
// the audit log; it is never a name the caller typed, except with the deprecated ADMIN_TOKEN.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Logger } from 'pino';
import { hasRole, sameSecret, type AuthOfficer, type OfficersService, type Role } from './service.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The logged-in officer (session or API token). */
    officer?: AuthOfficer;
    /** The request came with the deprecated shared ADMIN_TOKEN. */
    legacyAdmin?: boolean;
    /** The session's CSRF token (dashboard forms). */
    csrf?: string;
    /** The session cookie value (to end it on logout). */
    sessionToken?: string;
  }
}

export const SESSION_COOKIE = 'adm_sid';

/**
 * The name written to the audit log for this request: the authenticated officer's username.
 * Only with the deprecated shared ADMIN_TOKEN, which has no identity, the old self-declared
 * name (X-Officer header or the body's `officer`) is still used.
 */
export function officerOf(c: Context, declared?: string): string {
  const officer = c.get('officer');
  if (officer) return officer.username;
  const name = (declared ?? c.req.header('X-Officer') ?? '').trim().slice(0, 60);
  return name || 'admin';
}

/** The caller's role: the officer's, or admin for the deprecated ADMIN_TOKEN. */
export function roleOf(c: Context): Role | undefined {
  if (c.get('officer')) return c.get('officer')!.role;
  return c.get('legacyAdmin') ? 'admin' : undefined;
}

const READ = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Paths of the JSON API that only an admin may change (accounts, content). */
const ADMIN_ONLY = [/^\/api\/admin\/officers/, /^\/api\/admin\/content/, /^\/api\/admin\/whatsapp\/relink/];

/**
 * Guards /api/admin: `Authorization: Bearer adm_…` (an officer's token), the dashboard's session
 * cookie (changes then need the X-CSRF-Token header), or the deprecated ADMIN_TOKEN.
 * A viewer may only read.
 */
export function apiAuth(d: { officers: OfficersService; legacyToken?: string | undefined; log: Logger }): MiddlewareHandler {
  let warned = false;
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    if (bearer) {
      const officer = d.officers.byToken(bearer);
      if (officer) c.set('officer', officer);
      else if (d.legacyToken && sameSecret(bearer, d.legacyToken)) {
        c.set('legacyAdmin', true);
        if (!warned) {
          warned = true;
          d.log.warn('ADMIN_TOKEN is deprecated: create an officer account (npm run officer -- add <name> --role admin) and a personal API token on the Petugas page, then remove ADMIN_TOKEN');
        }
      }
    } else {
      const sid = getCookie(c, SESSION_COOKIE);
      const s = sid ? d.officers.session(sid) : undefined;
      if (s) {
        if (!READ.has(c.req.method)) {
          const sent = c.req.header('x-csrf-token') ?? '';
          if (!sameSecret(sent, s.csrf)) return c.json({ error: 'Permintaan ditolak: token CSRF tidak cocok. Muat ulang halaman. (CSRF token missing or wrong.)' }, 403);
        }
        c.set('officer', s.officer);
      }
    }
    const role = roleOf(c);
    if (!role) return c.json({ error: 'Belum masuk: kirim header "Authorization: Bearer <token API Anda>". (Unauthorized: send your API token as a Bearer token.)' }, 401);
    if (!READ.has(c.req.method)) {
      if (!hasRole(role, 'petugas')) return c.json({ error: 'Akun viewer hanya boleh melihat. (A viewer may only read.)' }, 403);
      if (ADMIN_ONLY.some((r) => r.test(c.req.path)) && !hasRole(role, 'admin')) return c.json({ error: 'Hanya admin yang boleh melakukan ini. (Admins only.)' }, 403);
    }
    await next();
  };
}
