// Permohonan: list with filters and search; create; import a CSV (comma or semicolon, with or
// without BOM, bad lines refused one by one, a preview before saving); one application with its
// history and followers; change the status to an allowed next one, with a preview of the
// message residents get and the result (queued to N chats).
import type { Context } from 'hono';
import { z } from 'zod';
import { translate } from '../../content/load.js';
import { DELIVERIES, nextStatuses, STATUSES, type Delivery, type Status } from '../../applications/graph.js';
import { NewApplicationInput } from '../../applications/service.js';
import { officerOf } from '../../officers/auth.js';
import { hasRole } from '../../officers/service.js';
import { errorText, langOf, tr } from '../i18n.js';
import { csrfField, dateField, done, html, page, table, when, type Html } from '../layout.js';
import type { DashboardDeps, DashboardPage } from '../registry.js';

const PAGE = 50;
const MAX_CSV = 5_000_000;

function statusLabel(deps: DashboardDeps, c: Context, s: string): string {
  return translate(deps.ctx.content.texts, langOf(c), `status.name.${s}`);
}

export const applicationsPage: DashboardPage = {
  id: 'applications',
  path: '/applications',
  nav: { id: 'Permohonan', en: 'Applications' },
  role: 'viewer',
  order: 30,
  available: (d) => Boolean(d.services.applications),
  register(r, deps) {
    const svc = () => deps.services.applications!;
    const tz = deps.ctx.config.OFFICE_TIMEZONE;
    const services = () => deps.ctx.content.services;
    const serviceName = (c: Context, id: string) => deps.ctx.content.servicesById.get(id)?.short_name[langOf(c)] ?? id;

    r.get('/', (c) => {
      const t = tr(c);
      const q = c.req.query();
      const status = (STATUSES as readonly string[]).includes(q.status ?? '') ? (q.status as Status) : undefined;
      const service = q.service && deps.ctx.content.servicesById.has(q.service) ? q.service : undefined;
      const day = (d?: string) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : undefined);
      const from = day(q.from);
      const to = day(q.to);
      const offset = Math.max(0, Number(q.offset ?? 0) || 0);
      const list = svc().search({ status, service, from: from && `${from}T00:00:00`, to: to && `${to}T99`, q: q.q?.trim() || undefined }, PAGE, offset);
      const canWrite = hasRole(c.get('officer')!.role, 'petugas');
      const keep = new URLSearchParams(Object.entries({ status, service, from, to, q: q.q }).filter(([, v]) => v) as [string, string][]);
      return page(c, {
        title: t('Permohonan', 'Applications'),
        active: 'applications',
        body: html`${canWrite ? html`<p class="actions"><a class="button" href="/admin/applications/new">${t('Catat permohonan', 'New application')}</a> <a class="button secondary" href="/admin/applications/import">${t('Impor CSV', 'Import CSV')}</a></p>` : ''}
<form class="toolbar" method="get" action="/admin/applications">
  <label>${t('Status', 'Status')}<select name="status"><option value="">${t('Semua', 'All')}</option>${STATUSES.map((s) => html`<option value="${s}" ${s === status ? 'selected' : ''}>${statusLabel(deps, c, s)}</option>`)}</select></label>
  <label>${t('Layanan', 'Service')}<select name="service"><option value="">${t('Semua', 'All')}</option>${services().map((s) => html`<option value="${s.id}" ${s.id === service ? 'selected' : ''}>${s.short_name[langOf(c)]}</option>`)}</select></label>
  ${dateField(c, 'from', t('Dari', 'From'), from)}
  ${dateField(c, 'to', t('Sampai', 'To'), to)}
  <label class="grow">${t('Cari nomor, nama atau NIK', 'Search number, name or NIK')}<input type="search" name="q" value="${q.q ?? ''}"></label>
  <button>${t('Tampilkan', 'Show')}</button>
</form>
<p>${list.total} ${t('permohonan', 'application(s)')}</p>
${table(
  [t('Nomor', 'Number'), t('Layanan', 'Service'), t('Pemohon', 'Applicant'), 'NIK', t('Status', 'Status'), t('Diubah', 'Updated')],
  list.items.map((a) => [
    html`<a href="/admin/applications/${encodeURIComponent(a.trackingNo)}">${a.trackingNo}</a>`,
    html`${serviceName(c, a.service)}`,
    html`${a.applicantName}`,
    html`<code>${a.nik}</code>`,
    html`<span class="badge ${a.status}">${statusLabel(deps, c, a.status)}</span>`,
    html`${when(a.updatedAt, tz)}`,
  ]),
  { empty: t('Belum ada permohonan yang cocok.', 'No matching applications.') },
)}
<div class="pager">${offset > 0 ? html`<a href="?${keep}&offset=${Math.max(0, offset - PAGE)}">← ${t('Sebelumnya', 'Previous')}</a>` : ''}${offset + PAGE < list.total ? html`<a href="?${keep}&offset=${offset + PAGE}">${t('Berikutnya', 'Next')} →</a>` : ''}</div>`,
      });
    });

    // ---- create

    r.get('/new', (c) => {
      const t = tr(c);
      return page(c, {
        title: t('Catat permohonan', 'New application'),
        active: 'applications',
        body: html`<form method="post" action="/admin/applications/new" class="card narrow">${csrfField(c)}
  <label>${t('Layanan', 'Service')}<select name="service" required>${services().map((s) => html`<option value="${s.id}">${s.short_name[langOf(c)]}</option>`)}</select></label>
  <label>${t('Nama pemohon', 'Applicant name')}<input name="applicantName" required maxlength="100"></label>
  <label>NIK<input name="nik" inputmode="numeric" required></label>
  <label>${t('Nomor permohonan (kosongkan: dibuat otomatis)', 'Tracking number (leave empty: generated)')}<input name="trackingNo" maxlength="40"></label>
  <label>${t('Chat pemohon (opsional)', 'Applicant’s chat (optional)')}<select name="contactChannel"><option value="">—</option><option value="whatsapp">WhatsApp</option><option value="telegram">Telegram</option><option value="web">${t('Web chat', 'Web chat')}</option></select></label>
  <label>${t('Nomor WhatsApp / id chat', 'WhatsApp number / chat id')}<input name="contactAddress" maxlength="100"></label>
  <button>${t('Simpan', 'Save')}</button>
</form>`,
      });
    });

    r.post('/new', async (c) => {
      const t = tr(c);
      const f = await c.req.parseBody();
      const s = (k: string) => (typeof f[k] === 'string' ? (f[k] as string).trim() : '');
      const parsed = NewApplicationInput.safeParse({
        service: s('service'),
        applicantName: s('applicantName'),
        nik: s('nik'),
        trackingNo: s('trackingNo') || undefined,
        contact: s('contactChannel') ? { channel: s('contactChannel'), address: s('contactAddress') } : undefined,
      });
      if (!parsed.success) {
        const i = parsed.error.issues[0]!;
        return done(c, '/admin/applications/new', 'err', `${t('Belum disimpan', 'Not saved')}: ${errorText(c, `${i.path.join('.')}: ${i.message}`)}`);
      }
      const made = svc().create(parsed.data, officerOf(c));
      if (!made.ok) return done(c, '/admin/applications/new', 'err', `${t('Belum disimpan', 'Not saved')}: ${errorText(c, made.error)}`);
      return done(c, `/admin/applications/${encodeURIComponent(made.value.trackingNo)}`, 'ok', t(`Permohonan ${made.value.trackingNo} dicatat.`, `Application ${made.value.trackingNo} recorded.`));
    });

    // ---- CSV import: preview first, then save

    const importForm = (c: Context, csv = '', result?: ReturnType<ReturnType<typeof svc>['importCsv']>) => {
      const t = tr(c);
      return page(c, {
        title: t('Impor CSV', 'Import CSV'),
        active: 'applications',
        body: html`<p>${t('Kolom', 'Columns')}: <code>tracking_no,service,applicant_name,nik,contact_channel,contact_address</code> ${t('(nomor dan kontak boleh kosong). Pemisah koma atau titik koma (Excel Indonesia), UTF-8 dengan atau tanpa BOM.', '(number and contact may be empty). Comma or semicolon separated (Excel in Indonesian), UTF-8 with or without BOM.')}</p>
${result
  ? html`<section class="card preview-result">
  <h2>${result.dryRun ? t('Pratinjau', 'Preview') : t('Hasil impor', 'Import result')}</h2>
  <p class="flash ${result.errors.length ? 'warn' : 'ok'}"><strong class="good-rows">${result.imported}</strong> ${result.dryRun ? t('baris siap disimpan', 'row(s) ready to save') : t('permohonan disimpan', 'application(s) saved')}, <strong class="bad-rows">${result.errors.length}</strong> ${t('baris ditolak', 'row(s) refused')}.</p>
  ${table([t('Baris', 'Line'), t('Masalah', 'Problem')], result.errors.map((e) => [html`${e.line}`, html`${errorText(c, e.error)}`]), { empty: t('Tidak ada baris yang ditolak.', 'No row refused.'), cls: 'errors' })}
  ${result.dryRun && result.imported
    ? html`<form method="post" action="/admin/applications/import">${csrfField(c)}<textarea name="csv" hidden>${csv}</textarea><input type="hidden" name="save" value="yes"><button class="ok">${t(`Simpan ${result.imported} baris yang benar`, `Save the ${result.imported} good row(s)`)}</button></form>`
    : ''}
</section>`
  : ''}
<form method="post" action="/admin/applications/import" enctype="multipart/form-data" class="card">${csrfField(c)}
  <label>${t('Berkas CSV', 'CSV file')}<input type="file" name="file" accept=".csv,text/csv"></label>
  <label>${t('atau tempel isinya', 'or paste its content')}<textarea name="csv" rows="6">${result ? '' : csv}</textarea></label>
  <button>${t('Periksa (pratinjau)', 'Check (preview)')}</button>
</form>`,
      });
    };

    r.get('/import', (c) => importForm(c));
    r.post('/import', async (c) => {
      const t = tr(c);
      const f = await c.req.parseBody();
      let csv = typeof f.csv === 'string' ? f.csv : '';
      const file = f.file;
      if (file instanceof File && file.size > 0) {
        if (file.size > MAX_CSV) return done(c, '/admin/applications/import', 'err', t('Berkas terlalu besar (paling banyak 5 MB).', 'The file is too large (5 MB at most).'));
        csv = await file.text();
      }
      if (!csv.trim()) return done(c, '/admin/applications/import', 'err', t('CSV kosong: pilih berkas atau tempel isinya.', 'The CSV is empty: choose a file or paste it.'));
      const save = f.save === 'yes';
      const result = svc().importCsv(csv, officerOf(c), { dryRun: !save });
      if (save) deps.ctx.dispatcher.kick();
      return importForm(c, csv, result);
    });

    // ---- one application

    const detail = (c: Context, tracking: string, extra: { preview?: string; form?: Record<string, string>; error?: string } = {}) => {
      const t = tr(c);
      const app = svc().lookupForOfficer(tracking);
      if (!app) return done(c, '/admin/applications', 'err', t(`Tidak ada permohonan ${tracking}.`, `No application ${tracking}.`));
      const canWrite = hasRole(c.get('officer')!.role, 'petugas');
      const next = nextStatuses(app.status as Status);
      const f = extra.form ?? {};
      const base = `/admin/applications/${encodeURIComponent(app.trackingNo)}`;
      const changeForm: Html | string =
        canWrite && next.length
          ? html`<form method="post" action="${base}/status" class="card status-form">${csrfField(c)}
  <h2>${t('Ubah status', 'Change the status')}</h2>
  ${extra.error ? html`<p class="flash err" role="alert">${extra.error}</p>` : ''}
  <input type="hidden" name="from" value="${app.status}">
  <label>${t('Status baru', 'New status')}<select name="status">${next.map((s) => html`<option value="${s}" ${f.status === s ? 'selected' : ''}>${statusLabel(deps, c, s)}</option>`)}</select></label>
  <label>${t('Catatan untuk warga (wajib untuk perlu perbaikan dan ditolak)', 'Note for the resident (required for needs correction and rejected)')}<textarea name="note" maxlength="1000">${f.note ?? ''}</textarea></label>
  <label>${t('Penyerahan (hanya untuk selesai)', 'Delivery (only for done)')}<select name="delivery"><option value="">—</option>${DELIVERIES.map((d) => html`<option value="${d}" ${f.delivery === d ? 'selected' : ''}>${d === 'pickup' ? t('Ambil di kantor', 'Pick up at the office') : t('Digital (PDF)', 'Digital (PDF)')}</option>`)}</select></label>
  <label class="check"><input type="checkbox" name="urgent" value="yes" ${f.urgent ? 'checked' : ''}> ${t('Penting: kirim juga di jam tenang', 'Urgent: send during quiet hours too')}</label>
  <div class="actions"><button name="action" value="preview" class="secondary">${t('Pratinjau pesan', 'Preview the message')}</button> <button name="action" value="save">${t('Simpan dan kirim', 'Save and send')}</button></div>
  ${extra.preview ? html`<h3>${t('Pesan yang akan diterima warga', 'The message residents will get')}</h3><div class="preview">${extra.preview}</div>` : ''}
</form>`
          : '';
      return page(c, {
        title: `${t('Permohonan', 'Application')} ${app.trackingNo}`,
        active: 'applications',
        body: html`<div class="grid">
<section class="card">
  <p>${t('Layanan', 'Service')}: <strong>${serviceName(c, app.service)}</strong></p>
  <p>${t('Pemohon', 'Applicant')}: <strong>${app.applicantName}</strong> · NIK <code>${app.nik}</code></p>
  <p>${t('Status', 'Status')}: <span class="badge ${app.status} current-status">${statusLabel(deps, c, app.status)}</span></p>
  <p>${t('Pengikut (chat yang menerima kabar)', 'Followers (chats that get updates)')}: <strong class="followers">${app.followers}</strong>${app.contact ? html` · ${t('kontak', 'contact')} ${app.contact.channel} <code>${app.contact.address}</code>` : ''}</p>
</section>
${changeForm}
</div>
<h2>${t('Riwayat', 'History')}</h2>
${table(
  [t('Waktu', 'When'), t('Status', 'Status'), t('Catatan', 'Note'), t('Petugas', 'Officer')],
  [...app.history].reverse().map((h) => [html`${when(h.at, tz)}`, html`${statusLabel(deps, c, h.status)}${h.delivery ? ` (${h.delivery})` : ''}`, html`${h.note ?? ''}`, html`${h.officer}`]),
)}
<p><a href="/admin/applications">← ${t('Semua permohonan', 'All applications')}</a></p>`,
      });
    };

    r.get('/:tracking', (c) => detail(c, c.req.param('tracking')));

    r.post('/:tracking/status', async (c) => {
      const t = tr(c);
      const tracking = c.req.param('tracking');
      const f = await c.req.parseBody();
      const s = (k: string) => (typeof f[k] === 'string' ? (f[k] as string).trim() : '');
      const status = z.enum(STATUSES).safeParse(s('status'));
      if (!status.success) return done(c, `/admin/applications/${encodeURIComponent(tracking)}`, 'err', t('Pilih status baru.', 'Choose a new status.'));
      const change = { status: status.data, note: s('note') || undefined, delivery: (s('delivery') || undefined) as Delivery | undefined, urgent: s('urgent') === 'yes' };
      if (s('action') === 'preview') {
        const preview = svc().previewNotification(tracking, change, langOf(c));
        return detail(c, tracking, { preview, form: { status: change.status, note: s('note'), delivery: s('delivery'), urgent: change.urgent ? 'yes' : '' } });
      }
      const result = svc().changeStatus(tracking, { ...change, officer: officerOf(c) });
      const back = `/admin/applications/${encodeURIComponent(tracking)}`;
      if (!result.ok) {
        // The same change sent twice (a double tap on a slow network): the first one was saved and
        // its message queued; the second changes nothing and says so, not "not changed".
        const now = svc().lookupForOfficer(tracking);
        if (now && now.status === change.status && s('from') && s('from') !== change.status) {
          return done(c, back, 'ok', t(`Status sudah "${statusLabel(deps, c, change.status)}" (perubahan ini sudah tersimpan; pesan tidak dikirim dua kali).`, `The status is already "${statusLabel(deps, c, change.status)}" (this change was saved; the message is not sent twice).`));
        }
        // Anything else: the form again with what the officer chose and typed, and the reason.
        return detail(c, tracking, { error: `${t('Belum diubah', 'Not changed')}: ${errorText(c, result.error)}`, form: { status: change.status, note: s('note'), delivery: s('delivery'), urgent: change.urgent ? 'yes' : '' } });
      }
      const n = (result.value as { notifications: { queued: number; notBefore: string } }).notifications;
      const later = Date.parse(n.notBefore) > deps.ctx.clock.now().getTime() + 60_000;
      return done(
        c,
        back,
        'ok',
        t(`Status diubah ke "${statusLabel(deps, c, change.status)}". Pesan diantrekan ke ${n.queued} chat${later ? ` (dikirim ${when(n.notBefore, tz)}, sesudah jam tenang)` : ''}.`, `Status changed to "${statusLabel(deps, c, change.status)}". Message queued to ${n.queued} chat(s)${later ? ` (sent ${when(n.notBefore, tz)}, after quiet hours)` : ''}.`),
      );
    });
  },
};
