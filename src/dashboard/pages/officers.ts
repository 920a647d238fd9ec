import { tr } from '../i18n.js';
import { html, page } from '../layout.js';
import type { DashboardPage } from '../registry.js';

export const officersPage: DashboardPage = {
  id: 'officers',
  path: '/officers',
  nav: { id: 'Petugas', en: 'Officers' },
  role: 'admin',
  order: 90,
  register(r) {
    r.get('/', (c) => page(c, { title: tr(c)('Petugas', 'Officers'), active: 'officers', body: html`<p>…</p>` }));
  },
};
