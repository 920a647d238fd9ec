// WhatsApp: link state, the live QR (refreshing by itself) and the pairing code, relink and
// reconnect, the last disconnect and why.
import type { Context } from 'hono';
import { officerOf } from '../../officers/auth.js';
import { hasRole } from '../../officers/service.js';
import { tr, type Tr } from '../i18n.js';
import { csrfField, done, html, page, raw, when } from '../layout.js';
import type { DashboardPage } from '../registry.js';

function stateText(t: Tr, state: string): string {
  const s: Record<string, [string, string]> = {
    connecting: ['Menyambung…', 'Connecting…'],
    waiting_for_scan: ['Menunggu dipindai: buka WhatsApp di HP kantor → Perangkat tertaut → Tautkan perangkat, lalu pindai kode ini.', 'Waiting for the scan: on the office phone open WhatsApp → Linked devices → Link a device, and scan this code.'],
    open: ['Tersambung', 'Connected'],
    reconnecting: ['Menyambung ulang…', 'Reconnecting…'],
    logged_out: ['Keluar: tautkan ulang', 'Logged out: link again'],
    replaced: ['Dipakai di tempat lain: tutup sesi lain lalu sambungkan ulang', 'Opened elsewhere: close the other session, then reconnect'],
    stopped: ['Berhenti', 'Stopped'],
  };
  const l = s[state];
  return l ? t(l[0], l[1]) : state;
}

export const whatsappPage: DashboardPage = {
  id: 'whatsapp',
  path: '/whatsapp',
  nav: { id: 'WhatsApp', en: 'WhatsApp' },
  role: 'viewer',
  order: 60,
  register(r, deps) {
    const tz = deps.ctx.config.OFFICE_TIMEZONE;
    const panel = async (c: Context) => {
      const t = tr(c);
      const wa = deps.services.whatsapp;
      if (!wa) return html`<div id="wa"><p class="flash warn">${t('WhatsApp tidak aktif. Setel WHATSAPP=on di .env lalu jalankan ulang bot.', 'WhatsApp is off. Set WHATSAPP=on in .env and restart the bot.')}</p></div>`;
      const s = wa.status();
      const qr = s.state === 'open' ? { svg: null, pairingCode: null } : await wa.qr();
      const canWrite = hasRole(c.get('officer')!.role, 'admin');
      const last = s.lastDisconnect;
      return html`<div id="wa" hx-get="/admin/whatsapp/panel" hx-trigger="every 3s" hx-swap="outerHTML">
  <section class="card">
    <p>${t('Status', 'State')}: <strong class="wa-state" data-state="${s.state}">${stateText(t, String(s.state))}</strong></p>
    ${s.number ? html`<p>${t('Nomor', 'Number')}: <code>${s.number}</code></p>` : ''}
    ${last ? html`<p>${t('Terakhir terputus', 'Last disconnect')}: ${when(last.at, tz)} ${last.statusCode ? html`(${last.statusCode})` : ''} ${last.reason}</p>` : ''}
    ${s.nextAttemptAt ? html`<p>${t('Percobaan berikutnya', 'Next attempt')}: ${when(String(s.nextAttemptAt), tz)}</p>` : ''}
  </section>
  ${qr.svg ? html`<section class="card qr"><h2>${t('Pindai dengan HP kantor', 'Scan with the office phone')}</h2>${raw(qr.svg)}<p class="small">${t('Kode berganti sendiri setiap ±20 detik; halaman ini ikut memperbarui.', 'The code changes every ~20 s; this page refreshes by itself.')}</p></section>` : ''}
  ${qr.pairingCode ? html`<section class="card"><h2>${t('Kode tautan', 'Pairing code')}</h2><p class="pairing">${qr.pairingCode}</p><p class="small">${t('Di HP: Tautkan dengan nomor telepon, lalu ketik kode ini.', 'On the phone: Link with phone number instead, then type this code.')}</p></section>` : ''}
  ${canWrite
    ? html`<div class="actions">
    <form method="post" action="/admin/whatsapp/reconnect">${csrfField(c)}<button class="secondary">${t('Sambungkan sekarang', 'Reconnect now')}</button></form>
    <form method="post" action="/admin/whatsapp/relink" data-confirm="${t('Lepas perangkat ini dan tampilkan QR baru? Bot berhenti menjawab WhatsApp sampai dipindai lagi.', 'Unlink this device and show a new QR? The bot stops answering WhatsApp until it is scanned again.')}">${csrfField(c)}<button class="danger">${t('Tautkan ulang (QR baru)', 'Relink (new QR)')}</button></form>
  </div>`
    : ''}
</div>`;
    };
    r.get('/', async (c) => page(c, { title: 'WhatsApp', active: 'whatsapp', body: await panel(c) }));
    r.get('/panel', async (c) => c.html(await panel(c)));
    r.post('/reconnect', (c) => {
      if (!hasRole(c.get('officer')!.role, 'admin')) return done(c, '/admin/whatsapp', 'err', tr(c)('Hanya admin.', 'Admins only.'));
      deps.services.whatsapp?.reconnect(officerOf(c));
      return done(c, '/admin/whatsapp', 'ok', tr(c)('Menyambungkan…', 'Connecting…'));
    });
    r.post('/relink', async (c) => {
      if (!hasRole(c.get('officer')!.role, 'admin')) return done(c, '/admin/whatsapp', 'err', tr(c)('Hanya admin.', 'Admins only.'));
      await deps.services.whatsapp?.relink(officerOf(c));
      return done(c, '/admin/whatsapp', 'ok', tr(c)('Perangkat dilepas: pindai QR baru.', 'Unlinked: scan the new QR.'));
    });
  },
};
