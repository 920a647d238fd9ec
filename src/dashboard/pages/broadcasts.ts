// Pengumuman: compose in Indonesian and English, preview, choose channels, send now or at a
// time, follow the progress live, cancel what is still waiting.
import type { Context } from 'hono';
import { translate } from '../../content/load.js';
import type { ChannelName } from '../../core/types.js';
import { officerOf } from '../../officers/auth.js';
import { hasRole } from '../../officers/service.js';
import { tr } from '../i18n.js';
import { csrfField, done, html, page, table, when } from '../layout.js';
import type { DashboardPage } from '../registry.js';

export const broadcastsPage: DashboardPage = {
  id: 'broadcasts',
  path: '/broadcasts',
  nav: { id: 'Pengumuman', en: 'Announcements' },
  role: 'viewer',
  order: 40,
  available: (d) => Boolean(d.services.applications),
  register(r, deps) {
    const svc = () => deps.services.applications!;
    const tz = deps.ctx.config.OFFICE_TIMEZONE;

    const progressTable = (c: Context) => {
      const t = tr(c);
      const canWrite = hasRole(c.get('officer')!.role, 'petugas');
      const items = svc().listBroadcasts(20);
      const running = items.some((b) => !b.done);
      return html`<div id="progress" ${running ? html`hx-get="/admin/broadcasts/progress" hx-trigger="every 3s" hx-swap="outerHTML"` : ''}>${table(
        [t('Dibuat', 'Created'), t('Isi', 'Text'), t('Terkirim', 'Sent'), t('Gagal', 'Failed'), t('Menunggu', 'Waiting'), t('Dilewati', 'Skipped'), ''],
        items.map((b) => [
          html`${when(b.createdAt, tz)}<br><small>${b.officer}${b.urgent ? ' · urgent' : ''}</small>`,
          html`${b.text.id.length > 80 ? `${b.text.id.slice(0, 80)}…` : b.text.id}`,
          html`<span class="sent">${b.sent}</span>/${b.queued} <div class="progress" aria-hidden="true"><span style="width:${b.queued ? Math.round((b.sent / b.queued) * 100) : 100}%"></span></div>`,
          html`${b.failed}`,
          html`${b.waiting}`,
          html`${b.skipped}`,
          canWrite && b.waiting > 0
            ? html`<form method="post" action="/admin/broadcasts/${b.id}/cancel" data-confirm="${t('Hentikan pengumuman ini? Pesan yang sudah terkirim tetap terkirim.', 'Stop this announcement? Messages already sent stay sent.')}">${csrfField(c)}<button class="danger">${t('Batalkan', 'Cancel')}</button></form>`
            : html`${b.done ? t('Selesai', 'Done') : ''}`,
        ]),
        { empty: t('Belum ada pengumuman.', 'No announcements yet.') },
      )}</div>`;
    };

    const compose = (c: Context, f: Record<string, string> = {}, preview?: { id: string; en: string }) => {
      const t = tr(c);
      const canWrite = hasRole(c.get('officer')!.role, 'petugas');
      const texts = deps.ctx.content.texts;
      const chosen = (ch: string) => (f.sent ? f[`ch_${ch}`] === 'yes' : true);
      return page(c, {
        title: t('Pengumuman', 'Announcements'),
        active: 'broadcasts',
        body: html`${canWrite
          ? html`<form method="post" action="/admin/broadcasts" class="card">${csrfField(c)}<input type="hidden" name="sent" value="yes">
  <div class="grid">
    <label>${t('Teks bahasa Indonesia', 'Indonesian text')}<textarea name="text_id" required maxlength="2000">${f.text_id ?? ''}</textarea></label>
    <label>${t('Teks bahasa Inggris (kosong: sama dengan Indonesia)', 'English text (empty: same as Indonesian)')}<textarea name="text_en" maxlength="2000">${f.text_en ?? ''}</textarea></label>
  </div>
  <fieldset><legend>${t('Saluran', 'Channels')}</legend>
    <label class="check"><input type="checkbox" name="ch_whatsapp" value="yes" ${chosen('whatsapp') ? 'checked' : ''}> WhatsApp</label>
    <label class="check"><input type="checkbox" name="ch_telegram" value="yes" ${chosen('telegram') ? 'checked' : ''}> Telegram</label>
  </fieldset>
  <label>${t('Kirim pada (kosong: sekarang)', 'Send at (empty: now)')}<input type="datetime-local" name="at" value="${f.at ?? ''}"></label>
  <label class="check"><input type="checkbox" name="urgent" value="yes" ${f.urgent === 'yes' ? 'checked' : ''}> ${t('Penting: kirim juga di jam tenang', 'Urgent: send during quiet hours too')}</label>
  <p class="small">${t('Dikirim ke warga Telegram dan WhatsApp yang pernah menulis ke kantor dan tidak berhenti berlangganan; pengunjung web chat tidak ikut.', 'Goes to Telegram and WhatsApp residents who wrote to the office and did not opt out; web chat visitors are skipped.')}</p>
  <div class="actions"><button name="action" value="preview" class="secondary">${t('Pratinjau', 'Preview')}</button> <button name="action" value="send" data-confirm-send>${t('Kirim pengumuman', 'Send the announcement')}</button></div>
  ${preview
    ? html`<div class="grid"><div><h3>Indonesia</h3><div class="preview">${translate(texts, 'id', 'broadcast.title')}\n${preview.id}\n\n${translate(texts, 'id', 'broadcast.footer')}</div></div><div><h3>English</h3><div class="preview">${translate(texts, 'en', 'broadcast.title')}\n${preview.en}\n\n${translate(texts, 'en', 'broadcast.footer')}</div></div></div>`
    : ''}
</form>`
          : ''}
<h2>${t('Kemajuan', 'Progress')}</h2>
${progressTable(c)}`,
      });
    };

    r.get('/', (c) => compose(c));
    r.get('/progress', (c) => c.html(progressTable(c)));

    r.post('/', async (c) => {
      const t = tr(c);
      const raw = await c.req.parseBody();
      const f = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : ''])) as Record<string, string>;
      const text = { id: f.text_id ?? '', en: f.text_en || f.text_id || '' };
      if (!text.id) return done(c, '/admin/broadcasts', 'err', t('Tulis teks pengumumannya.', 'Write the announcement.'));
      if (text.id.length > 2000 || text.en.length > 2000) return done(c, '/admin/broadcasts', 'err', t('Teks terlalu panjang (paling banyak 2.000 karakter).', 'Text too long (2,000 characters at most).'));
      if (f.action === 'preview') return compose(c, f, text);
      const channels = (['whatsapp', 'telegram'] as ChannelName[]).filter((ch) => f[`ch_${ch}`] === 'yes');
      if (!channels.length) return done(c, '/admin/broadcasts', 'err', t('Pilih setidaknya satu saluran.', 'Choose at least one channel.'));
      let at: Date | undefined;
      if (f.at) {
        // datetime-local is office time.
        at = officeTime(f.at, tz);
        if (!at) return done(c, '/admin/broadcasts', 'err', t('Waktu kirim tidak valid.', 'Not a valid time.'));
      }
      const result = svc().broadcast(text, officerOf(c), f.urgent === 'yes', undefined, { channels, at });
      return done(c, '/admin/broadcasts', 'ok', t(`Pengumuman diantrekan ke ${result.queued} chat (${result.skipped} dilewati).`, `Announcement queued to ${result.queued} chat(s) (${result.skipped} skipped).`));
    });

    r.post('/:id/cancel', (c) => {
      const t = tr(c);
      const result = svc().cancelBroadcast(Number(c.req.param('id')), officerOf(c));
      if (!result.ok) return done(c, '/admin/broadcasts', 'err', t('Pengumuman tidak ditemukan.', 'No such announcement.'));
      return done(c, '/admin/broadcasts', 'ok', t(`Dibatalkan: ${result.cancelled} pesan tidak jadi dikirim.`, `Cancelled: ${result.cancelled} message(s) will not be sent.`));
    });
  },
};

/** "2026-12-01T08:00" in the office time zone → the instant. */
export function officeTime(local: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return undefined;
  const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  // The zone's offset at that moment (Asia/Jakarta has no DST; this is exact for it).
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(asUtc));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return new Date(asUtc - (shown - asUtc));
}
