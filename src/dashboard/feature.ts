// The officers' dashboard at /admin: login, the shared frame and every page in registry.ts.
// Sessions are cookies (HttpOnly, SameSite=Strict, Secure when ADMIN_COOKIE_SECURE=on); every
// POST carries the session's CSRF token; roles decide what an officer sees and may change.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { FeatureFactory } from '../core/feature.js';
import { SESSION_COOKIE } from '../officers/auth.js';
import { hasRole, oneTimePassword, sameSecret, type Role } from '../officers/service.js';
import { errorText, langOf, tr } from './i18n.js';
import { csrfField, done, html, page, refusal, setRegistry, shell } from './layout.js';
import { pages, type DashboardDeps, type DashboardPage } from './registry.js';

const require = createRequire(import.meta.url);
/** A file inside an installed package (its exports may not list it): found from package.json. */
function packageFile(pkg: string, file: string): string {
  let dir = path.dirname(require.resolve(pkg));
  while (!fs.existsSync(path.join(dir, 'package.json')) || JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== pkg) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package ${pkg} not found`);
    dir = up;
  }
  return path.join(dir, file);
}
const ASSETS: Record<string, { file: string; type: string }> = {
  'dashboard.css': { file: new URL('./assets/dashboard.css', import.meta.url).pathname, type: 'text/css; charset=utf-8' },
  'dashboard.js': { file: new URL('./assets/dashboard.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
  // Served from the installed packages: no CDN, works without internet.
  'htmx.min.js': { file: packageFile('htmx.org', 'dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'chart.umd.min.js': { file: packageFile('chart.js', 'dist/chart.umd.min.js'), type: 'text/javascript; charset=utf-8' },
};
const LOGIN_COOKIE = 'adm_login';
const READ = new Set(['GET', 'HEAD']);

export const dashboardFeature: FeatureFactory = (ctx) => {
  const { http, services } = ctx;
  const officers = services.officers;
  const cfg = services.officersConfig;
  const deps: DashboardDeps = { services, ctx };
  setRegistry({ pages, deps });
  const assetCache = new Map<string, Buffer>();
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'Strict' as const, secure: cfg.ADMIN_COOKIE_SECURE };

  function clientIp(c: Context): string {
    if (cfg.ADMIN_TRUST_PROXY) {
      const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (fwd) return fwd;
    }
    try {
      return getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }

  // No framing (clickjacking), no caching of pages with personal data, no referrer outside.
  http.use('/admin/*', async (c, next) => {
    await next();
    c.header('X-Frame-Options', 'DENY');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    if (!c.req.path.startsWith('/admin/assets/')) c.header('Cache-Control', 'no-store');
  });

  http.get('/admin/assets/:file', (c) => {
    const asset = ASSETS[c.req.param('file')];
    if (!asset) return c.notFound();
    let body = assetCache.get(asset.file);
    if (!body) assetCache.set(asset.file, (body = fs.readFileSync(asset.file)));
    return c.body(new Uint8Array(body), 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
  });

  // ---- login / logout

  const loginPage = (c: Context, error?: string, status: 200 | 401 | 403 | 429 = 200) => {
    const t = tr(c);
    const token = oneTimePassword();
    setCookie(c, LOGIN_COOKIE, token, { ...cookieOpts, path: '/admin/login', maxAge: 3600 });
    const none = officers.count() === 0;
    return c.html(
      shell(
        c,
        t('Masuk', 'Log in'),
        html`<section class="card login">
  <h1>${t('Dasbor petugas Disdukcapil', 'Disdukcapil officers’ dashboard')}</h1>
  ${error ? html`<p class="flash err" role="alert">${error}</p>` : ''}
  ${none ? html`<p class="flash warn">${t('Belum ada akun. Buat admin pertama di server: ', 'No account yet. Create the first admin on the server: ')}<code>npm run officer -- add nama --role admin</code></p>` : ''}
  <form method="post" action="/admin/login">
    <input type="hidden" name="_login" value="${token}">
    <input type="hidden" name="next" value="${safeNext(c.req.query('next'))}">
    <label>${t('Nama pengguna', 'Username')}<input name="username" autocomplete="username" required autofocus></label>
    <label>${t('Kata sandi', 'Password')}<input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">${t('Masuk', 'Log in')}</button>
  </form>
  <p class="small"><a href="/admin/login?lang=${langOf(c) === 'id' ? 'en' : 'id'}">${langOf(c) === 'id' ? 'English' : 'Bahasa Indonesia'}</a></p>
</section>`,
        { bare: true },
      ),
      status,
    );
  };

  http.get('/admin/login', (c) => {
    const l = c.req.query('lang');
    if (l === 'en' || l === 'id') {
      setCookie(c, 'adm_lang', l, { ...cookieOpts, maxAge: 365 * 86400 });
      return c.redirect('/admin/login', 303);
    }
    return loginPage(c);
  });

  http.post('/admin/login', async (c) => {
    const t = tr(c);
    const form = await c.req.parseBody();
    const sent = typeof form._login === 'string' ? form._login : '';
    const expected = getCookie(c, LOGIN_COOKIE) ?? '';
    if (!expected || !sameSecret(sent, expected)) return loginPage(c, t('Formulir kedaluwarsa. Silakan coba lagi.', 'The form expired. Please try again.'), 403);
    const result = await officers.login(String(form.username ?? ''), String(form.password ?? ''), clientIp(c));
    if (!result.ok) {
      if (result.reason === 'locked') return loginPage(c, t(`Akun dikunci sementara karena terlalu banyak kata sandi salah. Coba lagi dalam ${result.minutes} menit, atau minta admin mengatur ulang.`, `Account locked after too many wrong passwords. Try again in ${result.minutes} minutes, or ask an admin to reset it.`), 429);
      if (result.reason === 'ip_locked') return loginPage(c, t(`Terlalu banyak percobaan dari perangkat ini. Coba lagi dalam ${result.minutes} menit.`, `Too many attempts from this device. Try again in ${result.minutes} minutes.`), 429);
      return loginPage(c, t('Nama pengguna atau kata sandi salah.', 'Wrong username or password.'), 401);
    }
    deleteCookie(c, LOGIN_COOKIE, { path: '/admin/login' });
    setCookie(c, SESSION_COOKIE, result.session, cookieOpts);
    return c.redirect(result.officer.mustChange ? '/admin/password' : safeNext(String(form.next ?? '')), 303);
  });

  // ---- every other /admin path needs a live session

  const requireSession: MiddlewareHandler = async (c, next) => {
    const sid = getCookie(c, SESSION_COOKIE);
    const s = sid ? officers.session(sid) : undefined;
    if (!s) {
      if (!READ.has(c.req.method)) return c.redirect('/admin/login', 303);
      return c.redirect(`/admin/login?next=${encodeURIComponent(c.req.path)}`, 303);
    }
    c.set('officer', s.officer);
    c.set('csrf', s.csrf);
    c.set('sessionToken', sid);
    if (!READ.has(c.req.method)) {
      const body = (c.req.header('content-type') ?? '').match(/form/) ? await c.req.parseBody() : {};
      const sent = typeof body._csrf === 'string' ? body._csrf : (c.req.header('x-csrf-token') ?? '');
      if (!sameSecret(sent, s.csrf)) return refusal(c, 403, tr(c)('Permintaan ditolak', 'Request refused'), tr(c)('Formulir ini tidak berasal dari dasbor (token CSRF salah atau hilang). Muat ulang halaman lalu coba lagi.', 'This form did not come from the dashboard (CSRF token missing or wrong). Reload the page and try again.'));
    }
    if (s.officer.mustChange && !c.req.path.startsWith('/admin/password') && c.req.path !== '/admin/logout') return c.redirect('/admin/password', 303);
    await next();
  };
  http.use('/admin', requireSession);
  http.use('/admin/*', async (c, next) => {
    if (c.req.path.startsWith('/admin/assets/') || c.req.path === '/admin/login') return next();
    return requireSession(c, next);
  });

  http.get('/admin', (c) => {
    const officer = c.get('officer')!;
    const first = [...pages].sort((a, b) => a.order - b.order).find((p) => hasRole(officer.role, p.role));
    return c.redirect(`/admin${first?.path ?? '/password'}`, 303);
  });

  http.post('/admin/logout', (c) => {
    officers.logout(c.get('sessionToken')!);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/admin/login', 303);
  });

  http.post('/admin/lang', async (c) => {
    const form = await c.req.parseBody();
    const lang = form.lang === 'en' ? 'en' : 'id';
    officers.setLang(c.get('officer')!.id, lang);
    setCookie(c, 'adm_lang', lang, { ...cookieOpts, maxAge: 365 * 86400 });
    return c.redirect(c.req.header('referer')?.replace(/^https?:\/\/[^/]+/, '') || '/admin', 303);
  });

  const passwordPage = (c: Context) => {
    const t = tr(c);
    const officer = c.get('officer')!;
    return page(c, {
      title: t('Ganti kata sandi', 'Change password'),
      body: html`${officer.mustChange ? html`<p class="flash warn">${t('Ini login pertama (atau kata sandi baru diatur ulang): buat kata sandi Anda sendiri dulu.', 'First login (or the password was reset): choose your own password first.')}</p>` : ''}
<form method="post" action="/admin/password" class="card narrow">${csrfField(c)}
  <label>${t('Kata sandi sekarang', 'Current password')}<input type="password" name="current" autocomplete="current-password" required></label>
  <label>${t('Kata sandi baru (minimal 10 karakter)', 'New password (at least 10 characters)')}<input type="password" name="next" autocomplete="new-password" minlength="10" required></label>
  <label>${t('Ulangi kata sandi baru', 'Repeat the new password')}<input type="password" name="again" autocomplete="new-password" minlength="10" required></label>
  <button>${t('Simpan', 'Save')}</button>
</form>`,
    });
  };
  http.get('/admin/password', passwordPage);
  http.post('/admin/password', async (c) => {
    const t = tr(c);
    const form = await c.req.parseBody();
    if (String(form.next) !== String(form.again)) return done(c, '/admin/password', 'err', t('Kedua kata sandi baru tidak sama.', 'The two new passwords differ.'));
    const r = await officers.changePassword(c.get('officer')!.id, String(form.current ?? ''), String(form.next ?? ''), c.get('sessionToken'));
    if (!r.ok) return done(c, '/admin/password', 'err', langOf(c) === 'en' ? `Not changed: ${r.error}` : `Belum diganti: ${r.error}`);
    return done(c, '/admin', 'ok', t('Kata sandi sudah diganti.', 'Password changed.'));
  });

  // ---- the pages

  for (const p of pages) http.route(`/admin${p.path}`, pageRouter(p, deps));

  return {
    name: 'dashboard',
    housekeeping(now) {
      officers.housekeeping(now);
      services.stats.housekeeping(now);
    },
  };
};

function pageRouter(p: DashboardPage, deps: DashboardDeps): Hono {
  const r = new Hono();
  const writeRole: Role = p.writeRole ?? (hasRole(p.role, 'petugas') ? p.role : 'petugas');
  r.use('*', async (c, next) => {
    const officer = c.get('officer')!;
    const t = tr(c);
    if (!hasRole(officer.role, p.role)) return refusal(c, 403, t('Tidak boleh', 'Not allowed'), t(`Halaman ini untuk peran ${p.role}.`, `This page is for the ${p.role} role.`));
    if (!READ.has(c.req.method) && !hasRole(officer.role, writeRole)) {
      return refusal(c, 403, t('Hanya melihat', 'Read only'), t('Akun Anda (viewer) hanya bisa melihat; perubahan tidak disimpan. Minta admin jika Anda perlu mengubah data.', 'Your account (viewer) can only look; nothing was changed. Ask an admin if you need to make changes.'));
    }
    await next();
  });
  r.onError((err, c) => {
    deps.ctx.log.error({ err, page: p.id }, 'dashboard page failed');
    return refusal(c, 403, tr(c)('Terjadi kesalahan', 'Something went wrong'), errorText(c, tr(c)('Maaf, halaman ini gagal dimuat. Coba lagi; jika berulang, hubungi admin.', 'Sorry, this page failed. Try again; if it keeps happening, tell an admin.')));
  });
  p.register(r, deps);
  return r;
}

/** Only our own pages after login (never an outside address). */
function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/[\w\-/]*)?$/.test(next) && !next.startsWith('/admin/login') ? next : '/admin';
}
