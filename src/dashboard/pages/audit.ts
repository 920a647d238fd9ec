import { tr } from '../i18n.js';
import { html, page } from '../layout.js';
import type { DashboardPage } from '../registry.js';

export const auditPage: DashboardPage = {
  id: 'audit',
  path: '/audit',
  nav: { id: 'Audit', en: 'Audit' },
  role: 'viewer',
  order: 100,
  register(r) {
    r.get('/', (c) => page(c, { title: tr(c)('Audit', 'Audit'), active: 'audit', body: html`<p>…</p>` }));
  },
};
