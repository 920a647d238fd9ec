import { tr } from '../i18n.js';
import { html, page } from '../layout.js';
import type { DashboardPage } from '../registry.js';

export const whatsappPage: DashboardPage = {
  id: 'whatsapp',
  path: '/whatsapp',
  nav: { id: 'WhatsApp', en: 'WhatsApp' },
  role: 'viewer',
  order: 60,
  register(r) {
    r.get('/', (c) => page(c, { title: tr(c)('WhatsApp', 'WhatsApp'), active: 'whatsapp', body: html`<p>…</p>` }));
  },
};
