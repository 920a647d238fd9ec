import { tr } from '../i18n.js';
import { html, page } from '../layout.js';
import type { DashboardPage } from '../registry.js';

export const broadcastsPage: DashboardPage = {
  id: 'broadcasts',
  path: '/broadcasts',
  nav: { id: 'Pengumuman', en: 'Announcements' },
  role: 'viewer',
  order: 40,
  register(r) {
    r.get('/', (c) => page(c, { title: tr(c)('Pengumuman', 'Announcements'), active: 'broadcasts', body: html`<p>…</p>` }));
  },
};
