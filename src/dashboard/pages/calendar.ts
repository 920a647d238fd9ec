// Kalender: the coming weeks with quota use, holidays and cuti bersama, closed and opened
// days; close a day (after seeing how many residents will be told), open a normally closed
// day, change a day's quota or the default; warnings such as a year without holidays.
// The holiday lists: each coming year's list (confirmed / not yet / none), confirm a year after
// checking its dates against the SKB (and undo), and the setting for years without a list.
// With several places (flows/booking.yaml `places:`), each day row shows every place's use.
// The days come first, the holiday lists (a yearly task) below: on a phone an officer closing a
// day should not scroll past two screens of decrees first.
import type { Context } from 'hono';
import { z } from 'zod';
import type { CalendarStatus, HolidayYearStatus } from '../../booking/service.js';
import { Capacity } from '../../booking/settings.js';
import { officerOf } from '../../officers/auth.js';
import { hasRole } from '../../officers/service.js';
import { errorText, langOf, tr, type Tr } from '../i18n.js';
import { csrfField, done, html, page, raw, when, type Html } from '../layout.js';
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
    no_list: ['Belum ada daftar libur', 'No holiday list'],
  };
  const l = labels[kind];
  return l ? t(l[0], l[1]) : kind;
}

function yearStatusLabel(t: Tr, y: HolidayYearStatus): Html {
  if (y.status === 'confirmed') return html`<span class="badge working">${t('Sudah dipastikan', 'Confirmed')}</span>`;
  if (y.status === 'unconfirmed') return html`<span class="badge waiting">${t('Belum dipastikan', 'Not yet confirmed')}</span>`;
  return html`<span class="badge closed">${t('Tidak ada', 'None')}</span>`;
}

/** A list's source: its decree in a line, the rest (how it was checked) folded away. */
function sourceCell(t: Tr, source: string | null): Html | string {
  if (!source) return '—';
  const cut = source.indexOf(':');
  if (cut < 0 || cut > 160) return source.length <= 160 ? source : html`<details><summary>${source.slice(0, 120)}…</summary>${source}</details>`;
  return html`${source.slice(0, cut)} <details class="more"><summary>${t('selengkapnya', 'more')}</summary>${source.slice(cut + 1).trim()}</details>`;
}

/** The holiday-list panel: one row per coming year, the confirm/undo actions, the setting. */
function holidayPanel(c: Context, status: CalendarStatus, thisYear: number, canWrite: boolean, tz: string): Html {
  const t = tr(c);
  const years = status.years.filter((y) => y.year >= thisYear);
  const rows = years.map((y) => {
    const who = y.confirmedBy
      ? html`${y.confirmedBy}<br><small>${when(y.confirmedAt, tz)}</small>${y.confirmationOutdated ? html`<br><small class="warn-text">${t('Daftarnya berubah sesudah itu: pastikan lagi.', 'The list changed since: confirm it again.')}</small>` : ''}`
      : y.fileStatus === 'confirmed'
        ? html`<small>${t('Dipastikan di berkas daftar libur', 'Confirmed in the holiday file')}</small>`
        : '—';
    const actions = !canWrite
      ? ''
      : y.status === 'unconfirmed'
        ? html`<a class="button" href="/admin/calendar/holidays?year=${y.year}">${t(`Pastikan daftar libur ${y.year}`, `Confirm the ${y.year} list`)}</a>`
        : y.status === 'confirmed' && y.confirmedBy && y.fileStatus !== 'confirmed'
          ? html`<form method="post" action="/admin/calendar/holidays/unconfirm" data-confirm="${t(`Batalkan pemastian daftar libur ${y.year}? Warga kembali membaca "belum dipastikan" pada hari-hari ${y.year}.`, `Take back the ${y.year} confirmation? Residents read "not yet confirmed" on ${y.year} days again.`)}">${csrfField(c)}<input type="hidden" name="year" value="${y.year}"><button class="secondary">${t('Batalkan pemastian', 'Undo the confirmation')}</button></form>`
          : y.status === 'none'
            ? html`<small>${t('Minta admin menambahkan daftarnya setelah SKB terbit (biasanya September).', 'Ask an admin to add the list once the SKB is published (usually September).')}</small>`
            : '';
    return html`<tr data-year="${y.year}" data-status="${y.status}">
  <td data-label="${t('Tahun', 'Year')}" class="nowrap"><div><strong>${y.year}</strong></div></td>
  <td data-label="${t('Daftar libur', 'Holiday list')}"><div>${yearStatusLabel(t, y)}</div></td>
  <td data-label="${t('Sumber', 'Source')}"><div>${sourceCell(t, y.source)}</div></td>
  <td data-label="${t('Jumlah hari', 'Days')}" class="nowrap"><div>${y.status === 'none' ? '—' : y.days}</div></td>
  <td data-label="${t('Dipastikan oleh', 'Confirmed by')}" class="who"><div>${who}</div></td>
  <td data-label="" class="noprint year-actions"><div class="actions">${actions}</div></td></tr>`;
  });
  const bookable = status.unlistedDaysBookable;
  return html`<section class="card holidays">
  <h2>${t('Daftar libur nasional dan cuti bersama', 'National holidays and cuti bersama')}</h2>
  <table class="rows years"><thead><tr><th>${t('Tahun', 'Year')}</th><th>${t('Daftar libur', 'Holiday list')}</th><th>${t('Sumber', 'Source')}</th><th>${t('Jumlah hari', 'Days')}</th><th>${t('Dipastikan oleh', 'Confirmed by')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>
  <form method="post" action="/admin/calendar/unlisted" class="unlisted">${csrfField(c)}
    <fieldset ${canWrite ? '' : raw('disabled')}><legend>${t('Hari kerja pada tahun tanpa daftar libur', 'Weekdays of a year without a holiday list')}</legend>
      <label class="check"><input type="radio" name="bookable" value="no" ${bookable ? '' : raw('checked')}> ${t('Tidak bisa dibooking (bawaan)', 'Not bookable (default)')}</label>
      <label class="check"><input type="radio" name="bookable" value="yes" ${bookable ? raw('checked') : ''}> ${t('Bisa dibooking', 'Bookable')}</label>
      <p class="small">${t('1 Jan, 1 Mei, 1 Jun, 17 Agu dan 25 Des tetap tutup. Libur lain tahun itu belum diketahui, jadi warga bisa saja datang pada hari libur.', '1 Jan, 1 May, 1 Jun, 17 Aug and 25 Dec stay closed. Other holidays of that year are unknown, so a resident might come on a holiday.')}</p>
      ${canWrite ? html`<p><button class="secondary">${t('Simpan pengaturan', 'Save the setting')}</button></p>` : ''}
    </fieldset>
  </form>
</section>`;
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
      const lang = langOf(c);
      const canWrite = hasRole(c.get('officer')!.role, 'petugas');
      const report = b().reports.calendarReport(42);
      const def = b().service.capacityFor('default');
      const status = b().service.calendarStatus(clock.now());
      const places = b().service.places;
      const many = places.length > 1;
      // The report's warnings (the coming weeks), in the officer's language.
      const warnings = report.warnings.map((w) => errorText(c, w));
      const rows = report.days.map((d) => {
        const pct = d.quota ? Math.round((d.taken / d.quota) * 100) : 0;
        const normallyOff = d.kind === 'weekend' || d.kind === 'holiday' || d.kind === 'cuti_bersama';
        return html`<tr data-date="${d.date}">
  <td data-label="${t('Tanggal', 'Date')}"><a href="/admin/today?date=${d.date}">${b().calendar.label(d.date, lang)}</a></td>
  <td data-label="${t('Jenis', 'Kind')}"><div><span class="badge ${d.kind}">${kindLabel(t, d.kind)}</span>${d.note ? html`<br><small>${d.note}</small>` : ''}${d.open && d.holidayList === 'unconfirmed' ? html`<br><small class="warn-text">${t(`Warga membaca: libur ${d.date.slice(0, 4)} belum dipastikan`, `Residents read: ${d.date.slice(0, 4)} holidays not yet confirmed`)}</small>` : ''}</div></td>
  <td data-label="${t('Terisi', 'Taken')}"><div class="grow">${many
    ? html`<ul class="per-place">${d.places.map((p) => {
        const name = places.find((x) => x.id === p.id)?.name[lang] ?? p.id;
        const ppct = p.quota ? Math.min(100, Math.round((p.taken / p.quota) * 100)) : 0;
        return html`<li data-place="${p.id}"><span class="place-name">${name}</span> ${p.open || p.taken ? html`<span class="figure">${p.taken}/${p.quota}</span><div class="progress" aria-hidden="true"><span style="width:${ppct}%"></span></div>` : html`<small>${t('tidak melayani', 'not recording')}</small>`}</li>`;
      })}</ul>`
    : d.open || d.taken ? html`${d.taken}/${d.quota} <div class="progress" aria-hidden="true"><span style="width:${Math.min(100, pct)}%"></span></div>` : '—'}</div></td>
  <td data-label="" class="noprint">${canWrite
    ? html`<div class="actions">${d.open ? html`<a class="button warn" href="/admin/calendar/close?date=${d.date}">${t('Tutup hari', 'Close day')}</a>` : ''}
      ${!d.open && (normallyOff || d.kind === 'closed') ? html`<form method="post" action="/admin/calendar/open">${csrfField(c)}<input type="hidden" name="date" value="${d.date}"><input type="hidden" name="reason" value="${t('Dibuka oleh petugas', 'Opened by an officer')}"><button class="secondary">${t('Buka hari', 'Open day')}</button></form>` : ''}
      ${d.open ? html`<a class="button secondary" href="/admin/calendar/quota?date=${d.date}">${t('Kuota', 'Quota')}</a>` : ''}</div>`
    : ''}</td></tr>`;
      });
      return page(c, {
        title: t('Kalender', 'Calendar'),
        active: 'calendar',
        body: html`${warnings.map((w) => html`<p class="flash warn calendar-warning" role="alert">${w}</p>`)}
<p>${t('Kuota bawaan', 'Default quota')}${many ? html` (${places[0]!.name[lang]})` : ''}: <strong>${def.per_day}</strong> ${t('per hari', 'per day')}, ${def.sessions} ${t('sesi', 'sessions')} ${t('mulai', 'from')} ${def.first_session}, ${def.session_minutes} ${t('menit', 'minutes')}. ${canWrite ? html`<a href="/admin/calendar/quota?date=default">${t('Ubah kuota bawaan', 'Change the default quota')}</a>` : ''}</p>
<table class="rows calendar"><thead><tr><th>${t('Tanggal', 'Date')}</th><th>${t('Jenis', 'Kind')}</th><th>${t('Terisi', 'Taken')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>
${holidayPanel(c, status, Number(report.today.slice(0, 4)), canWrite, deps.ctx.config.OFFICE_TIMEZONE)}`,
      });
    });

    // Confirming a year's holiday list: the dates first, to check against the SKB.
    const Year = z.coerce.number().int().min(2020).max(2100);
    r.get('/holidays', (c) => {
      const t = tr(c);
      const lang = langOf(c);
      const year = Year.safeParse(c.req.query('year'));
      if (!year.success) return done(c, '/admin/calendar', 'err', t('Tahun tidak valid.', 'Not a year.'));
      const y = b().service.calendarStatus(clock.now()).years.find((x) => x.year === year.data);
      if (!y || y.status === 'none') return done(c, '/admin/calendar', 'err', t(`Belum ada daftar libur ${year.data} yang bisa dipastikan: minta admin menambahkannya dulu.`, `There is no ${year.data} list to confirm: ask an admin to add it first.`));
      const list = b().calendar.listOf(year.data);
      return page(c, {
        title: t(`Pastikan daftar libur ${year.data}`, `Confirm the ${year.data} holiday list`),
        active: 'calendar',
        body: html`<form method="post" action="/admin/calendar/holidays/confirm" class="card confirm-year">${csrfField(c)}
  <input type="hidden" name="year" value="${year.data}">
  <p class="flash warn">${t(`Sebelum memastikan, cocokkan setiap tanggal di bawah dengan SKB Bersama tentang hari libur nasional dan cuti bersama ${year.data}. Jika ada yang berbeda, jangan pastikan: minta admin memperbaiki daftarnya dulu.`, `Before confirming, check every date below against the joint decree (SKB) on the ${year.data} national holidays and cuti bersama. If anything differs, do not confirm: ask an admin to correct the list first.`)}</p>
  <p>${t('Sumber', 'Source')}: ${y.source ?? '—'}</p>
  <p>${t('Sesudah dipastikan, warga tidak lagi membaca "belum dipastikan" pada hari-hari', 'Once confirmed, residents no longer read "not yet confirmed" on the days of')} ${year.data}.</p>
  <table class="rows holiday-dates"><thead><tr><th>${t('Tanggal', 'Date')}</th><th>${t('Jenis', 'Kind')}</th><th>${t('Nama', 'Name')}</th></tr></thead><tbody>${list.map(
    (d) => html`<tr><td data-label="${t('Tanggal', 'Date')}"><div>${b().calendar.longLabel(d.date, lang)}</div></td><td data-label="${t('Jenis', 'Kind')}"><div><span class="badge ${d.kind === 'cuti_bersama' ? 'cuti_bersama' : 'holiday'}">${kindLabel(t, d.kind === 'cuti_bersama' ? 'cuti_bersama' : 'holiday')}</span></div></td><td data-label="${t('Nama', 'Name')}"><div>${d.name}</div></td></tr>`,
  )}</tbody></table>
  <p class="small">${list.length} ${t('tanggal', 'dates')}</p>
  <label>${t('Catatan (boleh kosong), mis. nomor SKB yang dicocokkan', 'Note (optional), e.g. the SKB number you checked against')}<input name="note" maxlength="200"></label>
  <div class="actions"><button class="ok">${t(`Pastikan daftar libur ${year.data}`, `Confirm the ${year.data} list`)}</button> <a class="button secondary" href="/admin/calendar">${t('Batal', 'Cancel')}</a></div>
</form>`,
      });
    });

    r.post('/holidays/confirm', async (c) => {
      const t = tr(c);
      const form = await c.req.parseBody();
      const year = Year.safeParse(form.year);
      if (!year.success) return done(c, '/admin/calendar', 'err', t('Tahun tidak valid.', 'Not a year.'));
      const note = z.string().trim().max(200).safeParse(form.note ?? '');
      const result = b().service.confirmHolidayYear(year.data, officerOf(c), clock.now(), note.success && note.data ? note.data : undefined);
      if (!result.ok) return done(c, '/admin/calendar', 'err', errorText(c, result.error));
      deps.ctx.dispatcher.kick();
      return done(c, '/admin/calendar', 'ok', t(`Daftar libur ${year.data} sudah dipastikan. Warga tidak lagi membaca "belum dipastikan" pada hari-hari ${year.data}.`, `The ${year.data} holiday list is confirmed. Residents no longer read "not yet confirmed" on ${year.data} days.`));
    });

    r.post('/holidays/unconfirm', async (c) => {
      const t = tr(c);
      const form = await c.req.parseBody();
      const year = Year.safeParse(form.year);
      if (!year.success) return done(c, '/admin/calendar', 'err', t('Tahun tidak valid.', 'Not a year.'));
      const result = b().service.unconfirmHolidayYear(year.data, officerOf(c), clock.now());
      if (!result.ok) return done(c, '/admin/calendar', 'err', t(`Daftar libur ${year.data} tidak dipastikan oleh petugas.`, `No officer confirmed ${year.data}.`));
      return done(c, '/admin/calendar', 'ok', t(`Pemastian daftar libur ${year.data} dibatalkan.`, `The ${year.data} confirmation is taken back.`));
    });

    r.post('/unlisted', async (c) => {
      const t = tr(c);
      const form = await c.req.parseBody();
      const v = String(form.bookable ?? '');
      if (v !== 'yes' && v !== 'no') return done(c, '/admin/calendar', 'err', t('Pilih salah satu.', 'Pick one.'));
      b().service.setUnlistedDaysBookable(v === 'yes', officerOf(c), clock.now());
      deps.ctx.dispatcher.kick();
      return done(c, '/admin/calendar', 'ok', v === 'yes' ? t('Disimpan: hari kerja pada tahun tanpa daftar libur bisa dibooking.', 'Saved: weekdays of a year without a list are bookable.') : t('Disimpan: hari kerja pada tahun tanpa daftar libur tidak bisa dibooking.', 'Saved: weekdays of a year without a list are not bookable.'));
    });

    // Closing needs a second look: how many residents will be told.
    r.get('/close', (c) => {
      const t = tr(c);
      const lang = langOf(c);
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
      // "Rabu, 2 Desember 2026", not "2026-12-02".
      const day = b().calendar.longLabel(date, langOf(c));
      if (kind === 'open') {
        b().service.openDay(date, reason.data, officerOf(c), now);
        return done(c, '/admin/calendar', 'ok', t(`${day} dibuka untuk booking.`, `${day} is open for bookings.`));
      }
      const result = b().service.closeDay(date, reason.data, officerOf(c), now);
      deps.ctx.dispatcher.kick();
      return done(c, '/admin/calendar', 'ok', t(`${day} ditutup. ${result.affected} warga diberi tahu, ${result.waitlist} dari daftar tunggu.`, `${day} is closed. ${result.affected} resident(s) told, ${result.waitlist} from the waitlist.`));
    };
    r.post('/close', dayChange('close'));
    r.post('/open', dayChange('open'));

    r.get('/quota', (c) => {
      const t = tr(c);
      const scope = c.req.query('date') ?? 'default';
      if (scope !== 'default' && !IsoDate.safeParse(scope).success) return done(c, '/admin/calendar', 'err', t('Tanggal tidak valid.', 'Not a date.'));
      const cap = b().service.capacityFor(scope);
      return page(c, {
        title: scope === 'default' ? t('Kuota bawaan', 'Default quota') : `${t('Kuota', 'Quota')} ${b().calendar.longLabel(scope, langOf(c))}`,
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
      if (!result.ok) {
        const taken = result.conflicts.map((x) => `${b().calendar.label(x.date, langOf(c))}: ${x.taken}`).join(', ');
        return done(c, back, 'err', t(`Kuota lebih kecil dari tempat yang sudah dipesan (${taken}). Tutup hari itu atau minta warga pindah dulu.`, `Fewer places than already booked (${taken}).`));
      }
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
