import { tr } from '../i18n.js';
import { html, page } from '../layout.js';
import type { DashboardPage } from '../registry.js';

export const calendarPage: DashboardPage = {
  id: 'calendar',
  path: '/calendar',
  nav: { id: 'Kalender', en: 'Calendar' },
  role: 'viewer',
  order: 20,
  register(r) {
    r.get('/', (c) => page(c, { title: tr(c)('Kalender', 'Calendar'), active: 'calendar', body: html`<p>…</p>` }));
  },
};
