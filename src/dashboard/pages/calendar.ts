// Kalender: the coming weeks with quota use, holidays and cuti bersama, closed and opened
// days; close a day (after seeing how many residents will be told), open a normally closed
// day, change a day's quota or the default; warnings such as a year without holidays.
import type { Context } from 'hono';
import { z } from 'zod';
import { Capacity } from '../../booking/settings.js';
import { officerOf } from '../../officers/auth.js';
import { hasRole } from '../../officers/service.js';
import { errorText, tr, type Tr } from '../i18n.js';
import { csrfField, done, html, page } from '../layout.js';
import type { DashboardPage } from '../registry.js';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Reason = z.string().trim().min(3).max(200);

export function kindLabel(t: Tr, kind: string): string {
  const labels: Record<string, [string, string]> = {
    working: ['Hari kerja', 'Working day'],
    weekend: ['Akhir pekan', 'Weekend'],
    holiday: ['Libur nasional', 'Public holiday'],
    cuti_bersama: ['Cuti bersama', 'Collective leave'],
    closed: ['Ditutup', 'Closed'],
    opened: ['Dibuka khusus', 'Opened'],
  };
  const l = labels[kind];
  return l ? t(l[0], l[1]) : kind;
}

export const calendarPage: DashboardPage = {
  id: 'calendar',
  path: '/calendar',
  nav: { id: 'Kalender', en: 'Calendar' },
  role: 'viewer',
  order: 20,
  available: (d) => Boolean(d.services.booking),
  register(r, deps) {
    const b = () => deps.services.booking!;
    const clock = deps.ctx.clock;

    r.get('/', (c) => {
      const t = tr(c);
      const lang = c.get('officer')!.lang;
      const canWrite = hasRole(c.get('officer')!.role, 'petugas');
      const report = b().reports.calendarReport(42);
      const def = b().service.capacityFor('default');
      const warnings = report.missingYears.map((y) =>
        t(`Daftar libur nasional dan cuti bersama tahun ${y} belum dimuat (flows/holidays.json): warga ditawari semua hari kerja tahun ${y}. Tambahkan setelah SKB terbit.`, `The ${y} national holidays and cuti bersama are not loaded (flows/holidays.json): residents are offered every weekday of ${y}. Add them once the SKB is published.`),
      );
      const rows = report.days.map((d) => {
        const pct = d.quota ? Math.round((d.taken / d.quota) * 100) : 0;
        const normallyOff = d.kind === 'weekend' || d.kind === 'holiday' || d.kind === 'cuti_bersama';
        return html`<tr data-date="${d.date}">
  <td data-label="${t('Tanggal', 'Date')}"><a href="/admin/today?date=${d.date}">${b().calendar.label(d.date, lang)}</a></td>
  <td data-label="${t('Jenis', 'Kind')}"><div><span class="badge ${d.kind}">${kindLabel(t, d.kind)}</span>${d.note ? html`<br><small>${d.note}</small>` : ''}</div></td>
  <td data-label="${t('Terisi', 'Taken')}"><div class="grow">${d.open || d.taken ? html`${d.taken}/${d.quota} <div class="progress" aria-hidden="true"><span style="width:${Math.min(100, pct)}%"></span></div>` : '—'}</div></td>
  <td data-label="" class="noprint">${canWrite
    ? html`<div class="actions">${d.open ? html`<a class="button warn" href="/admin/calendar/close?date=${d.date}">${t('Tutup hari', 'Close day')}</a>` : ''}
      ${!d.open && (normallyOff || d.kind === 'closed') ? html`<form method="post" action="/admin/calendar/open">${csrfField(c)}<input type="hidden" name="date" value="${d.date}"><input type="hidden" name="reason" value="${t('Dibuka oleh petugas', 'Opened by an officer')}"><button class="secondary">${t('Buka hari', 'Open day')}</button></form>` : ''}
      ${d.open ? html`<a class="button secondary" href="/admin/calendar/quota?date=${d.date}">${t('Kuota', 'Quota')}</a>` : ''}</div>`
    : ''}</td></tr>`;
      });
      return page(c, {
        title: t('Kalender', 'Calendar'),
        active: 'calendar',
        body: html`${warnings.map((w) => html`<p class="flash warn" role="alert">${w}</p>`)}
<p>${t('Kuota bawaan', 'Default quota')}: <strong>${def.per_day}</strong> ${t('per hari', 'per day')}, ${def.sessions} ${t('sesi', 'sessions')} ${t('mulai', 'from')} ${def.first_session}, ${def.session_minutes} ${t('menit', 'minutes')}. ${canWrite ? html`<a href="/admin/calendar/quota?date=default">${t('Ubah kuota bawaan', 'Change the default quota')}</a>` : ''}</p>
<table class="rows calendar"><thead><tr><th>${t('Tanggal', 'Date')}</th><th>${t('Jenis', 'Kind')}</th><th>${t('Terisi', 'Taken')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>`,
      });
    });

    // Closing needs a second look: how many residents will be told.
    r.get('/close', (c) => {
      const t = tr(c);
      const lang = c.get('officer')!.lang;
      const date = c.req.query('date') ?? '';
      if (!IsoDate.safeParse(date).success) return done(c, '/admin/calendar', 'err', t('Tanggal tidak valid.', 'Not a date.'));
      const day = b().reports.dayReport(date);
      const live = day.bookings.filter((x) => x.status === 'active' || x.status === 'held').length;
      return page(c, {
        title: `${t('Tutup hari', 'Close day')}: ${b().calendar.longLabel(date, lang)}`,
        active: 'calendar',
        body: html`<form method="post" action="/admin/calendar/close" class="card narrow">${csrfField(c)}
  <input type="hidden" name="date" value="${date}">
  <p class="flash warn"><strong class="affected">${live}</strong> ${t('warga yang sudah booking akan diberi tahu lewat chat bahwa hari ini ditutup, dengan alasan di bawah, dan ditawari hari lain (kode booking mereka tetap).', 'residents with a booking will be told in their chat that the day is closed, with the reason below, and offered other days (they keep their booking code).')}</p>
  <label>${t('Alasan (dibaca warga)', 'Reason (residents read it)')}<input name="reason" required minlength="3" maxlength="200" placeholder="${t('mis. Alat perekaman rusak', 'e.g. The recording device is broken')}"></label>
  <div class="actions"><button class="warn">${t('Tutup hari dan beri tahu warga', 'Close the day and tell residents')}</button> <a class="button secondary" href="/admin/calendar">${t('Batal', 'Cancel')}</a></div>
</form>`,
      });
    });

    const dayChange = (kind: 'close' | 'open') => async (c: Context) => {
      const t = tr(c);
      const form = await c.req.parseBody();
      const date = String(form.date ?? '');
      const reason = Reason.safeParse(form.reason);
      if (!IsoDate.safeParse(date).success) return done(c, '/admin/calendar', 'err', t('Tanggal tidak valid.', 'Not a date.'));
      if (!reason.success) return done(c, kind === 'close' ? `/admin/calendar/close?date=${date}` : '/admin/calendar', 'err', t('Tulis alasannya (3–200 karakter).', 'Write the reason (3–200 characters).'));
      const now = clock.now();
      if (date < b().calendar.today(now)) return done(c, '/admin/calendar', 'err', t('Hari itu sudah lewat.', 'That day is over.'));
      if (kind === 'open') {
        b().service.openDay(date, reason.data, officerOf(c), now);
        return done(c, '/admin/calendar', 'ok', t(`${date} dibuka untuk booking.`, `${date} is open for bookings.`));
      }
      const result = b().service.closeDay(date, reason.data, officerOf(c), now);
      deps.ctx.dispatcher.kick();
      return done(c, '/admin/calendar', 'ok', t(`${date} ditutup. ${result.affected} warga diberi tahu, ${result.waitlist} dari daftar tunggu.`, `${date} is closed. ${result.affected} resident(s) told, ${result.waitlist} from the waitlist.`));
    };
    r.post('/close', dayChange('close'));
    r.post('/open', dayChange('open'));

    r.get('/quota', (c) => {
      const t = tr(c);
      const scope = c.req.query('date') ?? 'default';
      if (scope !== 'default' && !IsoDate.safeParse(scope).success) return done(c, '/admin/calendar', 'err', t('Tanggal tidak valid.', 'Not a date.'));
      const cap = b().service.capacityFor(scope);
      return page(c, {
        title: scope === 'default' ? t('Kuota bawaan', 'Default quota') : `${t('Kuota', 'Quota')} ${scope}`,
        active: 'calendar',
        body: html`<form method="post" action="/admin/calendar/quota" class="card narrow">${csrfField(c)}
  <input type="hidden" name="scope" value="${scope}">
  <label>${t('Tempat per hari', 'Places per day')}<input type="number" name="per_day" min="1" max="500" value="${cap.per_day}" required></label>
  <label>${t('Sesi pertama', 'First session')}<input type="time" name="first_session" value="${cap.first_session}" required></label>
  <label>${t('Jumlah sesi', 'Sessions')}<input type="number" name="sessions" min="1" max="24" value="${cap.sessions}" required></label>
  <label>${t('Menit per sesi', 'Minutes per session')}<input type="number" name="session_minutes" min="5" max="240" value="${cap.session_minutes}" required></label>
  <div class="actions"><button>${t('Simpan', 'Save')}</button> <a class="button secondary" href="/admin/calendar">${t('Batal', 'Cancel')}</a></div>
</form>
${scope !== 'default' ? html`<form method="post" action="/admin/calendar/quota/clear">${csrfField(c)}<input type="hidden" name="date" value="${scope}"><button class="link">${t('Kembali ke kuota bawaan', 'Back to the default quota')}</button></form>` : ''}`,
      });
    });

    r.post('/quota', async (c) => {
      const t = tr(c);
      const form = await c.req.parseBody();
      const scope = String(form.scope ?? 'default');
      const parsed = Capacity.safeParse({ per_day: Number(form.per_day), first_session: String(form.first_session ?? ''), sessions: Number(form.sessions), session_minutes: Number(form.session_minutes) });
      const back = `/admin/calendar/quota?date=${encodeURIComponent(scope)}`;
      if (!parsed.success) return done(c, back, 'err', `${t('Belum disimpan', 'Not saved')}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
      if (scope !== 'default' && !IsoDate.safeParse(scope).success) return done(c, '/admin/calendar', 'err', t('Tanggal tidak valid.', 'Not a date.'));
      const result = b().service.setCapacity(scope, parsed.data, officerOf(c), clock.now());
      if (!result.ok) return done(c, back, 'err', t(`Kuota lebih kecil dari tempat yang sudah dipesan (${result.conflicts.map((x) => `${x.date}: ${x.taken}`).join(', ')}). Tutup hari itu atau minta warga pindah dulu.`, `Fewer places than already booked (${result.conflicts.map((x) => `${x.date}: ${x.taken}`).join(', ')}).`));
      return done(c, '/admin/calendar', 'ok', t('Kuota disimpan.', 'Quota saved.'));
    });

    r.post('/quota/clear', async (c) => {
      const t = tr(c);
      const form = await c.req.parseBody();
      const date = String(form.date ?? '');
      if (!IsoDate.safeParse(date).success) return done(c, '/admin/calendar', 'err', t('Tanggal tidak valid.', 'Not a date.'));
      const result = b().service.clearCapacity(date, officerOf(c), clock.now());
      if (!result.ok) return done(c, '/admin/calendar', 'err', errorText(c, t(`Kuota bawaan lebih kecil dari ${result.conflicts[0]!.taken} tempat yang sudah dipesan.`, `The default quota is below the ${result.conflicts[0]!.taken} places already booked.`)));
      return done(c, '/admin/calendar', 'ok', t('Kembali ke kuota bawaan.', 'Back to the default quota.'));
    });
  },
};
