import { tr } from '../i18n.js';
import { html, page } from '../layout.js';
import type { DashboardPage } from '../registry.js';

export const failedPage: DashboardPage = {
  id: 'failed',
  path: '/failed',
  nav: { id: 'Notifikasi gagal', en: 'Failed notifications' },
  role: 'viewer',
  order: 50,
  register(r) {
    r.get('/', (c) => page(c, { title: tr(c)('Notifikasi gagal', 'Failed notifications'), active: 'failed', body: html`<p>…</p>` }));
  },
};
