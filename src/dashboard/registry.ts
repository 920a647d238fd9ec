// The dashboard's pages. HOW TO ADD A PAGE (e.g. the "Kotak masuk" inbox):
//  1. Write `src/dashboard/pages/<name>.ts` exporting a `DashboardPage`:
//       - `id` and `path` ('/inbox' → served at /admin/inbox, sub-routes /admin/inbox/…),
//       - `nav`: the menu label { id, en } (the menu shows pages in `order`),
//       - `role`: the least role that may open it ('viewer' | 'petugas' | 'admin');
//         `writeRole`: the least role for its POSTs (default: petugas, or `role` if higher),
//       - `register(r, deps)`: add GET/POST handlers on `r` (a Hono router mounted at the path).
//  2. Add it to `pages` below.
//  What the router already does for every page: a logged-in officer or a redirect to the login;
//  the role checks (a viewer gets a polite refusal on any change); CSRF on every POST (put
//  `${csrfField(c)}` in each <form method="post">; htmx/fetch send the X-CSRF-Token header, see
//  layout.ts); the officer is `officerOf(c)` (src/officers/auth.ts): pass it to services, which
//  write the audit log. Render with `page(c, { title, body })` from layout.ts (header, menu,
//  flash message, language), translate with `tr(c)('Indonesian', 'English')`, report the
//  outcome of a POST with `done(c, url, 'ok' | 'err', message)` (flash + redirect).
//  Pages call feature SERVICES from `deps.services` (never SQL).
import type { Hono } from 'hono';
import type { AppContext, Services } from '../core/feature.js';
import type { AuthOfficer, Role } from '../officers/service.js';
import { applicationsPage } from './pages/applications.js';
import { auditPage } from './pages/audit.js';
import { broadcastsPage } from './pages/broadcasts.js';
import { calendarPage } from './pages/calendar.js';
import { contentPage } from './pages/content.js';
import { failedPage } from './pages/failed.js';
import { inboxPage } from '../handoff/inbox-page.js';
import { officersPage } from './pages/officers.js';
import { statsPage } from './pages/stats.js';
import { todayPage } from './pages/today.js';
import { whatsappPage } from './pages/whatsapp.js';

export interface DashboardDeps {
  services: Services;
  ctx: AppContext;
}

export interface DashboardPage {
  id: string;
  /** Under /admin, e.g. '/today'. */
  path: string;
  nav: { id: string; en: string };
  role: Role;
  writeRole?: Role;
  order: number;
  /** A number shown beside the menu label for this officer (e.g. new cases in the inbox); 0 shows nothing. */
  badge?(deps: DashboardDeps, officer: AuthOfficer): number;
  /** Shown in the menu only when it can work (e.g. WhatsApp only when the channel is on). */
  available?(deps: DashboardDeps): boolean;
  register(r: Hono, deps: DashboardDeps): void;
}

export const pages: DashboardPage[] = [todayPage, inboxPage, calendarPage, applicationsPage, broadcastsPage, failedPage, whatsappPage, statsPage, contentPage, officersPage, auditPage];
