import { tr } from '../i18n.js';
import { html, page } from '../layout.js';
import type { DashboardPage } from '../registry.js';

export const contentPage: DashboardPage = {
  id: 'content',
  path: '/content',
  nav: { id: 'Konten', en: 'Content' },
  role: 'viewer',
  order: 80,
  register(r) {
    r.get('/', (c) => page(c, { title: tr(c)('Konten', 'Content'), active: 'content', body: html`<p>…</p>` }));
  },
};
