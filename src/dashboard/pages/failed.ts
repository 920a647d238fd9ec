// Notifikasi gagal: notifications and announcements that failed for good, with the reason in
// plain words, and a retry where it can help (not after the resident blocked the bot).
import { retryable } from '../../applications/service.js';
import { officerOf } from '../../officers/auth.js';
import { hasRole } from '../../officers/service.js';
import { errorText, tr, type Tr } from '../i18n.js';
import { csrfField, done, html, page, table, when } from '../layout.js';
import type { DashboardPage } from '../registry.js';

function reasonText(t: Tr, error: string | null): string {
  const e = error ?? '';
  if (/unreachable|blocked|403/i.test(e)) return t('Warga memblokir bot atau nomornya tidak aktif lagi.', 'The resident blocked the bot or the number is gone.');
  if (/never wrote|not on whatsapp|unknown number|not registered/i.test(e)) return t('Nomor ini belum pernah menulis ke kantor atau tidak ada di WhatsApp.', 'This number never wrote to the office or is not on WhatsApp.');
  if (/cancelled/i.test(e)) return t('Dibatalkan oleh petugas.', 'Cancelled by an officer.');
  if (/attempt|tries|timeout|network|5\d\d|not connected/i.test(e)) return t('Terlalu banyak percobaan gagal (jaringan atau saluran terputus).', 'Too many failed attempts (network or channel down).');
  return e;
}

export const failedPage: DashboardPage = {
  id: 'failed',
  path: '/failed',
  nav: { id: 'Notifikasi gagal', en: 'Failed notifications' },
  role: 'viewer',
  order: 50,
  available: (d) => Boolean(d.services.applications),
  register(r, deps) {
    const svc = () => deps.services.applications!;
    const tz = deps.ctx.config.OFFICE_TIMEZONE;
    r.get('/', (c) => {
      const t = tr(c);
      const canWrite = hasRole(c.get('officer')!.role, 'petugas');
      const items = svc().failedNotifications(200);
      return page(c, {
        title: t('Notifikasi gagal', 'Failed notifications'),
        active: 'failed',
        body: html`<p>${t('Pesan status dan pengumuman yang tidak bisa dikirim. Kirim ulang hanya jika masalahnya sudah selesai (mis. WhatsApp tersambung lagi).', 'Status messages and announcements that could not be delivered. Retry only once the problem is fixed (e.g. WhatsApp connected again).')}</p>
${table(
  [t('Dibuat', 'Created'), t('Jenis', 'Kind'), t('Saluran', 'Channel'), t('Pesan', 'Message'), t('Alasan', 'Reason'), ''],
  items.map((n) => [
    html`${when(n.createdAt, tz)}`,
    html`${n.kind === 'broadcast' ? t('Pengumuman', 'Announcement') : t('Notifikasi', 'Notification')}`,
    html`${n.channel} <code>${n.address}</code>`,
    html`${n.summary ?? ''}`,
    html`${reasonText(t, n.error)}<br><small>${n.attempts} ${t('percobaan', 'attempts')}</small>`,
    canWrite && retryable(n.error) ? html`<form method="post" action="/admin/failed/${n.outboxId}/retry">${csrfField(c)}<button class="secondary">${t('Kirim ulang', 'Retry')}</button></form>` : html``,
  ]),
  { empty: t('Tidak ada notifikasi yang gagal.', 'No failed notifications.') },
)}`,
      });
    });
    r.post('/:id/retry', (c) => {
      const t = tr(c);
      const result = svc().retryNotification(Number(c.req.param('id')), officerOf(c));
      if (!result.ok) return done(c, '/admin/failed', 'err', errorText(c, result.error));
      return done(c, '/admin/failed', 'ok', t('Dikirim ulang: pesan kembali ke antrean.', 'Retried: the message is queued again.'));
    });
  },
};
