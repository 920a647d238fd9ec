// The page frame every dashboard page shares: header, menu (by role), flash message, language.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import { hasRole, type AuthOfficer } from '../officers/service.js';
import { alertText, langOf, longDate, roleLabel, tr } from './i18n.js';
import type { DashboardDeps, DashboardPage } from './registry.js';

export type Html = ReturnType<typeof html>;
export { html, raw };

let registry: { pages: DashboardPage[]; deps: DashboardDeps } | undefined;
/** Set once by the dashboard feature (the menu needs the page list). */
export function setRegistry(r: { pages: DashboardPage[]; deps: DashboardDeps }): void {
  registry = r;
}

/** The hidden CSRF field every <form method="post"> needs. */
export function csrfField(c: Context): Html {
  return html`<input type="hidden" name="_csrf" value="${c.get('csrf') ?? ''}">`;
}

/**
 * A date field with the chosen day written out above it in the officer's language ("Selasa,
 * 1 Desember 2026"): browsers show <input type="date"> in their own language and order (often
 * "12/01/2026"). The page words the day it was sent; dashboard.js rewords a newly picked one.
 */
export function dateField(c: Context, name: string, label: string, value: string | undefined): Html {
  const read = value ? longDate(value, langOf(c)) : '';
  return html`<label class="date-field">${label} <small class="date-read" data-date-read>${read}</small><input type="date" name="${name}" value="${value ?? ''}"></label>`;
}

/** Flash a message and go to `url` (after a POST: the page shows the result once). */
export function done(c: Context, url: string, kind: 'ok' | 'err', message: string): Response {
  setCookie(c, 'adm_flash', encodeURIComponent(JSON.stringify({ kind, message })), { path: '/admin', httpOnly: true, sameSite: 'Strict', maxAge: 60 });
  return c.redirect(url, 303);
}

function takeFlash(c: Context): { kind: 'ok' | 'err'; message: string } | undefined {
  const raw = getCookie(c, 'adm_flash');
  if (!raw) return undefined;
  deleteCookie(c, 'adm_flash', { path: '/admin' });
  try {
    return JSON.parse(decodeURIComponent(raw)) as { kind: 'ok' | 'err'; message: string };
  } catch {
    return undefined;
  }
}

export function shell(c: Context, title: string, body: Html, opts: { nav?: Html; bare?: boolean; heading?: string } = {}): Html {
  const lang = langOf(c);
  const flash = takeFlash(c);
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${c.get('csrf') ?? ''}">
<title>${title} · Dasbor Disdukcapil</title>
<link rel="stylesheet" href="/admin/assets/dashboard.css">
<script src="/admin/assets/htmx.min.js" defer></script>
<script src="/admin/assets/dashboard.js" defer></script>
</head>
<body class="${opts.bare ? 'bare' : ''}">
${opts.nav ?? ''}
<main>
${opts.heading ? html`<h1>${opts.heading}</h1>` : ''}
${flash ? html`<p class="flash ${flash.kind}" role="${flash.kind === 'err' ? 'alert' : 'status'}">${flash.message}</p>` : ''}
${body}
</main>
</body>
</html>`;
}

/** The count a page shows beside its menu label (new cases in the inbox), if any. */
function badgeCount(pg: DashboardPage, officer: AuthOfficer): number {
  try {
    return pg.badge && registry ? pg.badge(registry.deps, officer) : 0;
  } catch {
    // A count is a nicety: it never keeps a page from showing.
    return 0;
  }
}

function navBadge(pg: DashboardPage, n: number): Html | string {
  return n > 0 ? html` <span class="nav-count" data-nav-count="${pg.id}">${n}</span>` : '';
}

/** A page inside the dashboard: the shared header and menu around `body`. */
export function page(c: Context, p: { title: string; body: Html; active?: string }): Response | Promise<Response> {
  const t = tr(c);
  const officer = c.get('officer')!;
  const lang = langOf(c);
  const items = (registry?.pages ?? [])
    .filter((pg) => hasRole(officer.role, pg.role) && (!pg.available || pg.available(registry!.deps)))
    .sort((a, b) => a.order - b.order);
  // On a phone the menu folds behind "Menu" (a checkbox and its label: no JavaScript needed);
  // the count of new cases shows on the button too. From 761 px the menu is always shown.
  const counts = new Map(items.map((pg) => [pg.id, badgeCount(pg, officer)]));
  const badges = [...counts.values()].reduce((a, b) => a + b, 0);
  const nav = html`<header class="top">
  <a class="brand" href="/admin">${t('Dasbor Disdukcapil', 'Disdukcapil dashboard')}</a>
  <input type="checkbox" id="menu-open" class="menu-open" aria-controls="top-menu">
  <label for="menu-open" class="menu-button"><span aria-hidden="true">☰</span> ${t('Menu', 'Menu')}${badges > 0 ? html` <span class="nav-count">${badges}</span>` : ''}</label>
  <div class="menu" id="top-menu">
  <nav aria-label="${t('Menu', 'Menu')}">
    ${items.map((pg) => html`<a href="/admin${pg.path}" class="${p.active === pg.id ? 'active' : ''}" ${p.active === pg.id ? raw('aria-current="page"') : ''}>${pg.nav[lang]}${navBadge(pg, counts.get(pg.id) ?? 0)}</a>`)}
  </nav>
  <div class="who">
    <span title="${officer.role}">${officer.displayName} <small>(${roleLabel(t, officer.role).toLowerCase()})</small></span>
    <form method="post" action="/admin/lang">${csrfField(c)}<input type="hidden" name="lang" value="${lang === 'id' ? 'en' : 'id'}"><button class="link">${lang === 'id' ? 'English' : 'Bahasa Indonesia'}</button></form>
    <a href="/admin/password">${t('Kata sandi', 'Password')}</a>
    <form method="post" action="/admin/logout">${csrfField(c)}<button class="link">${t('Keluar', 'Log out')}</button></form>
  </div>
  </div>
</header>${p.active === 'whatsapp' ? '' : waBanner(c)}`;
  return c.html(shell(c, p.title, p.body, { nav, heading: p.title }));
}

/** The red banner on every page (the WhatsApp page shows the alert itself) while WhatsApp has an alert (in-memory status only, no SQL). */
function waBanner(c: Context): Html | '' {
  const alert = registry?.deps.services.whatsapp?.alert();
  if (!alert) return '';
  const t = tr(c);
  return html`<p class="wa-banner" role="alert"><strong>WhatsApp:</strong> ${alertText(t, alert)} <a href="/admin/whatsapp">${t('Buka halaman WhatsApp', 'Open the WhatsApp page')}</a></p>`;
}

/** A polite refusal page (wrong role, CSRF). */
export function refusal(c: Context, status: 403 | 404, title: string, message: string): Response | Promise<Response> {
  return c.html(shell(c, title, html`<h1>${title}</h1><p class="flash err" role="alert">${message}</p><p><a href="/admin">← ${tr(c)('Kembali ke dasbor', 'Back to the dashboard')}</a></p>`, { bare: !c.get('officer') }), status);
}

/** A table that turns into cards on a phone (each cell labelled). */
export function table(headers: string[], rows: Html[][], opts: { empty?: string; cls?: string } = {}): Html {
  if (!rows.length) return html`<p class="empty">${opts.empty ?? '—'}</p>`;
  return html`<table class="rows ${opts.cls ?? ''}"><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((cell, i) => html`<td data-label="${headers[i] ?? ''}"><div>${cell}</div></td>`)}</tr>`)}</tbody></table>`;
}

/** Formats an ISO instant in the office time zone. */
export function when(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('id-ID', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
