import { tr } from '../i18n.js';
import { html, page } from '../layout.js';
import type { DashboardPage } from '../registry.js';

export const statsPage: DashboardPage = {
  id: 'stats',
  path: '/stats',
  nav: { id: 'Statistik', en: 'Statistics' },
  role: 'viewer',
  order: 70,
  register(r) {
    r.get('/', (c) => page(c, { title: tr(c)('Statistik', 'Statistics'), active: 'stats', body: html`<p>…</p>` }));
  },
};
