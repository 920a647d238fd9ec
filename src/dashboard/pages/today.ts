// Hari ini: the day's bookings by session (queue number, name, masked NIK, reason, status),
// check-in and no-show in one tap, search, a printable A4 list and the walk-in note.
import type { Context } from 'hono';
import { z } from 'zod';
import { normalizeCode } from '../../booking/service.js';
import { officerOf } from '../../officers/auth.js';
import { hasRole } from '../../officers/service.js';
import { errorText, tr, type Tr } from '../i18n.js';
import { csrfField, dateField, done, html, page, type Html } from '../layout.js';
import type { DashboardDeps, DashboardPage } from '../registry.js';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export function statusLabel(t: Tr, status: string): string {
  const labels: Record<string, [string, string]> = {
    active: ['Menunggu', 'Expected'],
    held: ['Ditahan', 'Held'],
    checked_in: ['Sudah datang', 'Checked in'],
    no_show: ['Tidak datang', 'No-show'],
    cancelled: ['Dibatalkan', 'Cancelled'],
    closed: ['Hari ditutup', 'Day closed'],
    expired: ['Kedaluwarsa', 'Expired'],
  };
  const l = labels[status];
  return l ? t(l[0], l[1]) : status;
}

function reasonLabel(deps: DashboardDeps, reason: string, lang: 'id' | 'en'): string {
  const r = deps.services.booking?.settings.reasons.find((x) => x.id === reason);
  return r ? r.label[lang] : reason;
}

export const todayPage: DashboardPage = {
  id: 'today',
  path: '/today',
  nav: { id: 'Hari ini', en: 'Today' },
  role: 'viewer',
  order: 10,
  available: (d) => Boolean(d.services.booking),
  register(r, deps) {
    const clock = deps.ctx.clock;
    const b = () => deps.services.booking!;

    const view = (c: Context) => {
      const t = tr(c);
      const lang = c.get('officer')!.lang;
      const booking = deps.services.booking;
      if (!booking) return page(c, { title: t('Hari ini', 'Today'), active: 'today', body: html`<p>${t('Fitur booking tidak aktif.', 'The booking feature is off.')}</p>` });
      const now = clock.now();
      const today = booking.calendar.today(now);
      const qDate = c.req.query('date');
      const date = qDate && IsoDate.safeParse(qDate).success ? qDate : today;
      const q = (c.req.query('q') ?? '').trim();
      const day = booking.reports.dayReport(date);
      const matches = q ? booking.reports.searchOnDate(date, q) : undefined;
      const minutes = booking.service.capacityFor(date).session_minutes;
      const canWrite = hasRole(c.get('officer')!.role, 'petugas');
      const live = day.bookings.filter((x) => ['active', 'checked_in', 'no_show', 'held'].includes(x.status));
      const shown = matches ? day.bookings.filter((x) => matches.has(x.code)) : day.bookings;
      const free = Math.max(0, day.quota - live.length);

      const actions = (x: (typeof day.bookings)[number], sessionOver: boolean): Html => {
        if (!canWrite) return html``;
        const back = html`<input type="hidden" name="date" value="${date}"><input type="hidden" name="code" value="${x.code}">`;
        // A no-show turns back into a check-in the same day (a resident who came late, or a wrong tap).
        const checkIn = (x.status === 'active' || x.status === 'no_show') && date === today ? html`<form method="post" action="/admin/today/check-in">${csrfField(c)}${back}<button class="ok">${t('Check-in', 'Check in')}</button></form>` : '';
        // A no-show bans the resident from booking for a while: always a confirmation page first (works without JavaScript).
        const noShow =
          (x.status === 'active' || x.status === 'checked_in') && sessionOver
            ? html`<a class="button warn" href="/admin/today/no-show?code=${x.code}&date=${date}">${t('Tidak datang…', 'No-show…')}</a>`
            : '';
        return html`<div class="actions">${checkIn}${noShow}</div>`;
      };

      const sessions = day.sessions.map((s) => {
        const end = booking.calendar.at(date, s.time).getTime() + minutes * 60_000;
        const sessionOver = date < today || (date === today && now.getTime() >= end);
        const rows = shown.filter((x) => x.session === s.time).sort((a, b2) => a.queueNo - b2.queueNo);
        return html`<section class="session card">
  <h2>${t('Sesi', 'Session')} ${s.time} <small>${s.taken}/${s.capacity} ${t('terisi', 'taken')}</small></h2>
  ${rows.length
    ? html`<table class="rows"><thead><tr><th>${t('No.', 'No.')}</th><th>${t('Nama', 'Name')}</th><th>NIK</th><th>${t('Alasan', 'Reason')}</th><th>${t('Kode', 'Code')}</th><th>${t('Status', 'Status')}</th><th class="noprint"></th></tr></thead><tbody>
      ${rows.map((x) => html`<tr class="st-${x.status}" data-code="${x.code}">
        <td data-label="${t('No.', 'No.')}"><strong>${x.queueNo}</strong></td>
        <td data-label="${t('Nama', 'Name')}">${x.name}</td>
        <td data-label="NIK"><code>${x.nik}</code></td>
        <td data-label="${t('Alasan', 'Reason')}"><div>${reasonLabel(deps, x.reason, lang)}${x.reasonNote ? html`<br><small>${x.reasonNote}</small>` : ''}</div></td>
        <td data-label="${t('Kode', 'Code')}"><code>${x.code}</code></td>
        <td data-label="${t('Status', 'Status')}"><span class="badge ${x.status}">${statusLabel(t, x.status)}</span></td>
        <td class="noprint">${actions(x, sessionOver)}</td></tr>`)}
    </tbody></table>`
    : html`<p class="empty">${q ? t('Tidak ada yang cocok di sesi ini.', 'No match in this session.') : t('Belum ada booking.', 'No bookings yet.')}</p>`}
</section>`;
      });

      const dayNote = !day.open
        ? html`<p class="flash warn">${t('Hari ini tidak dibuka untuk booking', 'This day is not open for bookings')} (${day.kind}${day.note ? `: ${day.note}` : ''}).</p>`
        : '';
      return page(c, {
        title: `${t('Hari ini', 'Today')}: ${booking.calendar.longLabel(date, lang)}`,
        active: 'today',
        body: html`${dayNote}
<form class="toolbar noprint" method="get" action="/admin/today">
  ${dateField(c, 'date', t('Tanggal', 'Date'), date)}
  <label class="grow">${t('Cari kode, nama atau NIK', 'Search code, name or NIK')} <input type="search" name="q" value="${q}" placeholder="${t('mis. K7PQ2M atau 4 angka terakhir NIK', 'e.g. K7PQ2M or the last 4 NIK digits')}"></label>
  <button>${t('Tampilkan', 'Show')}</button>
  <button type="button" class="secondary" data-print>${t('Cetak daftar (A4)', 'Print list (A4)')}</button>
</form>
<p class="summary">${t('Kuota', 'Quota')} <strong>${day.quota}</strong> · ${t('terpesan', 'booked')} <strong>${live.length}</strong> · ${t('sudah datang', 'checked in')} <strong>${live.filter((x) => x.status === 'checked_in').length}</strong> · ${t('tidak datang', 'no-show')} <strong>${live.filter((x) => x.status === 'no_show').length}</strong></p>
<p class="walkin">${t('Warga tanpa booking (walk-in):', 'Residents without a booking (walk-in):')} ${free > 0 ? t(`masih ada ${free} tempat hari ini; layani sesudah antrean booking, catat di buku tamu.`, `${free} places left today; serve them after the booked queue and note them in the visitors’ book.`) : t('kuota hari ini penuh; tawarkan booking lewat chat untuk hari lain.', 'today’s quota is full; offer a booking by chat for another day.')}</p>
${matches ? html`<p>${t(`${matches.size} hasil untuk`, `${matches.size} result(s) for`)} “${q}”. <a href="/admin/today?date=${date}">${t('Tampilkan semua', 'Show all')}</a></p>` : ''}
${sessions}`,
      });
    };

    r.get('/', view);

    const back = (date: string) => `/admin/today?date=${encodeURIComponent(date)}`;
    const mark = (status: 'checked_in' | 'no_show') => async (c: Context) => {
      const t = tr(c);
      const form = await c.req.parseBody();
      const date = String(form.date ?? '');
      const code = normalizeCode(String(form.code ?? ''));
      if (!code) return done(c, back(date), 'err', t('Kode booking tidak valid.', 'Not a booking code.'));
      const result = b().service.mark(code, status, officerOf(c), clock.now(), { confirm: form.confirm === 'yes' });
      if (!result.ok) return done(c, back(date), 'err', errorText(c, result.error));
      // Who it was, as the officer sees them in the list: "No. 6 Warga Uji 2 (6EPNLV)".
      const x = b().reports.dayReport(result.booking.date, result.booking.place).bookings.find((y) => y.code === code);
      const who = x ? `No. ${x.queueNo} ${x.name} (${code})` : code;
      if (result.already) return done(c, back(date), 'ok', status === 'checked_in' ? t(`${who}: sudah dicatat datang sebelumnya (tidak dicatat dua kali).`, `${who}: was already checked in (not recorded twice).`) : t(`${who}: sudah ditandai tidak datang sebelumnya.`, `${who}: was already marked as a no-show.`));
      return done(c, back(date), 'ok', status === 'checked_in' ? t(`${who}: sudah datang (check-in dicatat).`, `${who}: checked in.`) : t(`${who}: ditandai tidak datang.`, `${who}: marked as no-show.`));
    };
    r.post('/check-in', mark('checked_in'));
    r.post('/no-show', mark('no_show'));

    // The confirmation before a no-show (the resident cannot book during the ban), more insistent for a checked-in resident.
    r.get('/no-show', (c) => {
      const t = tr(c);
      const code = normalizeCode(c.req.query('code') ?? '') ?? '';
      const date = c.req.query('date') ?? '';
      const booking = deps.services.booking;
      const x = booking && IsoDate.safeParse(date).success ? booking.reports.dayReport(date).bookings.find((y) => y.code === code) : undefined;
      if (!x) return done(c, back(date), 'err', t(`Tidak ada booking dengan kode ${code || '—'} pada hari itu.`, `No booking ${code || '—'} on that day.`));
      const ban = booking!.settings.no_show_ban_days;
      const who = `No. ${x.queueNo} ${x.name} (${code})`;
      const banText = ban > 0 ? t(`Warga ini tidak bisa booking lagi selama ${ban} hari.`, `They cannot book again for ${ban} days.`) : '';
      const text =
        x.status === 'checked_in'
          ? t(`${who} sudah dicatat datang (check-in). Yakin warga ini ternyata tidak datang? ${banText}`, `${who} was checked in. Are you sure this resident did not come after all? ${banText}`)
          : t(`Tandai ${who} tidak datang? ${banText} Jika warga datang terlambat hari ini, tombol Check-in masih bisa dipakai.`, `Mark ${who} as a no-show? ${banText} If they come late today, Check-in still works.`);
      return page(c, {
        title: t('Konfirmasi: tidak datang', 'Confirm: no-show'),
        active: 'today',
        body: html`<form method="post" action="/admin/today/no-show" class="card narrow">${csrfField(c)}
  <p>${text}</p>
  <input type="hidden" name="code" value="${code}"><input type="hidden" name="date" value="${date}"><input type="hidden" name="confirm" value="yes">
  <div class="actions"><button class="warn">${t('Ya, tandai tidak datang', 'Yes, mark as no-show')}</button> <a class="button secondary" href="${back(date)}">${t('Batal', 'Cancel')}</a></div>
</form>`,
      });
    });
  },
};
