import { tr } from '../i18n.js';
import { html, page } from '../layout.js';
import type { DashboardPage } from '../registry.js';

export const applicationsPage: DashboardPage = {
  id: 'applications',
  path: '/applications',
  nav: { id: 'Permohonan', en: 'Applications' },
  role: 'viewer',
  order: 30,
  register(r) {
    r.get('/', (c) => page(c, { title: tr(c)('Permohonan', 'Applications'), active: 'applications', body: html`<p>…</p>` }));
  },
};
