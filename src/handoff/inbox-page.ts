// Kotak masuk (inbox): residents' cases for officers. The list shows topic, channel, waiting
// time, deadline (overdue highlighted) and the resident's last messages with personal numbers
// masked; opening a case (audited) shows everything: messages, what the bot said before, files,
// notes. Officers take a case (or the next one), answer (typed or a canned reply), note, close
// with an outcome; canned replies and deadlines per topic are edited on the settings page.
import type { Context } from 'hono';
import { officerOf } from '../officers/auth.js';
import { channelName as channelLabel, errorText, tr, type Tr } from '../dashboard/i18n.js';
import { csrfField, done, html, page, raw, when, type Html } from '../dashboard/layout.js';
import type { DashboardDeps, DashboardPage } from '../dashboard/registry.js';
import { fetchCaseFile } from './files.js';
import { HandoffError, type CaseDetail, type HandoffService, type Officer } from './service.js';

const BASE = '/admin/inbox';

const STYLE = raw(`<style>
.inbox tr.overdue td { background: #fdf3f2; }
.badge.overdue { background: #fbdcd8; color: #7c1a13; font-weight: 600; }
.badge.pungli { background: #7c1a13; color: #fff; }
.thread { list-style: none; padding: 0; margin: 0 0 12px; }
.thread li { margin: 0 0 8px; padding: 8px 10px; border-radius: 8px; max-width: 46rem; white-space: pre-wrap; }
.thread li.resident { background: #eef3f8; }
.thread li.officer { background: #e6f4ea; margin-left: 2rem; }
.thread li.note { background: #fff4e5; border-left: 4px solid #a35200; }
.thread li.system { background: none; color: #5b6675; font-size: .9rem; padding: 2px 10px; }
.thread small { display: block; white-space: normal; }
.canned details { margin: 0 0 6px; }
/* The list's words stay whole (body's overflow-wrap: anywhere let the long last-message column
   squeeze the others to "Kas|us", "Lainn|ya", "Bu|ka"); the residents' own text may still break anywhere. */
.inbox th, .inbox td { overflow-wrap: break-word; }
.inbox .preview { display: block; overflow-wrap: anywhere; }
</style>`);

function me(c: Context): Officer {
  return { name: officerOf(c), role: c.get('officer')?.role ?? '' };
}

function minutesLabel(t: Tr, minutes: number | null): string {
  if (minutes === null) return '—';
  if (minutes < 60) return t(`${minutes} menit`, `${minutes} min`);
  if (minutes < 48 * 60) return t(`${Math.floor(minutes / 60)} jam ${minutes % 60} menit`, `${Math.floor(minutes / 60)} h ${minutes % 60} min`);
  return t(`${Math.floor(minutes / 1440)} hari`, `${Math.floor(minutes / 1440)} days`);
}


function errorMessage(err: unknown): string {
  if (err instanceof HandoffError) return err.message;
  throw err;
}

/** The residents' answers to "how satisfied are you?" (1–5), e.g. for the yearly SKM survey. */
export function satisfaction(t: Tr, s: ReturnType<HandoffService['satisfaction']>, title = t('Penilaian warga (12 bulan terakhir)', 'Residents’ ratings (last 12 months)'), opts: { words?: boolean } = {}): Html {
  // The residents' own words are for petugas and admin (as cases are): shown only when the
  // caller says this officer may read them; otherwise the numbers alone.
  const words = opts.words === true;
  return html`<section class="card" data-satisfaction><h2>${title}</h2>
${s.answers
  ? html`<p>${t('Rata-rata', 'Average')} <strong>${s.average}</strong>/5 ${t('dari', 'from')} ${s.answers} ${t('jawaban', 'answers')} · ${([1, 2, 3, 4, 5] as const).map((n) => html`${n}★ ${s.byScore[n]} `)}</p>
${s.words.length && words ? html`<ul>${s.words.slice(0, 10).map((w) => html`<li>${w.rating}★ “${w.word}”</li>`)}</ul>` : ''}
${s.words.length && !words ? html`<p class="small">${t(`${s.words.length} saran tertulis dari warga; hanya petugas dan admin yang dapat membacanya.`, `${s.words.length} written comments from residents; only officers and admins can read them.`)}</p>` : ''}`
  : html`<p class="empty">${t('Belum ada penilaian.', 'No ratings yet.')}</p>`}
</section>`;
}

export const inboxPage: DashboardPage = {
  id: 'inbox',
  path: '/inbox',
  nav: { id: 'Kotak masuk', en: 'Inbox' },
  role: 'petugas',
  order: 15,
  available: (d) => Boolean(d.services.handoff),
  badge: (d, officer) => (d.services.handoff ? d.services.handoff.service.counts({ name: officer.username, role: officer.role }).new : 0),
  register(r, deps: DashboardDeps) {
    const h = () => deps.services.handoff!;
    const tz = () => h().timeZone;

    r.get('/', (c) => {
      const t = tr(c);
      const status = c.req.query('status') === 'closed' ? 'closed' : 'open';
      const mine = c.req.query('mine') === '1';
      const officer = me(c);
      const counts = h().service.counts(officer);
      const cases = h().service.list(officer, { status, mine, limit: 100 });
      const headers = [t('Kasus', 'Case'), t('Topik', 'Topic'), t('Saluran', 'Channel'), t('Menunggu', 'Waiting'), t('Target', 'Deadline'), t('Petugas', 'Officer'), t('Pesan terakhir (disamarkan)', 'Last messages (masked)'), ''];
      const cell = (i: number, content: Html | string) => html`<td data-label="${headers[i] ?? ''}">${content}</td>`;
      const rows = cases.map(
        (x) => html`<tr class="${x.overdue ? 'overdue' : ''}" data-case="${x.id}">
${cell(0, html`<a href="${BASE}/${x.id}"><strong>#${x.id}</strong></a>`)}
${cell(1, html`${x.topicLabel}${x.pungli ? html` <span class="badge pungli">pungli</span>` : ''}`)}
${cell(2, channelLabel(x.channel))}
${cell(3, minutesLabel(t, x.waitingMinutes))}
${cell(4, html`${when(x.dueAt, tz())}${x.overdue ? html` <span class="badge overdue">${t('Lewat target', 'Overdue')}</span>` : ''}`)}
${cell(5, x.assignedTo ?? html`<span class="badge waiting">${t('Baru', 'New')}</span>`)}
${cell(6, html`<span class="preview">${x.preview.map((p, i) => html`${i ? html`<br>` : ''}${p}`)}${x.files ? html`<br><small>${t(`${x.files} berkas`, `${x.files} file(s)`)}</small>` : ''}</span>`)}
${cell(7, status === 'closed' ? html`${x.outcome ? h().service.outcomeLabel(x.outcome, 'id') : ''}${x.rating ? html` · ${'★'.repeat(x.rating)}` : ''}` : html`<a class="button secondary" href="${BASE}/${x.id}">${t('Buka', 'Open')}</a>`)}
</tr>`,
      );
      const list = cases.length
        ? html`<table class="rows inbox"><thead><tr>${headers.map((x) => html`<th>${x}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`
        : html`<p class="empty">${status === 'open' ? t('Tidak ada kasus terbuka.', 'No open cases.') : t('Belum ada kasus yang ditutup.', 'No closed cases yet.')}</p>`;
      return page(c, {
        title: t('Kotak masuk', 'Inbox'),
        active: 'inbox',
        body: html`${STYLE}
<div class="toolbar">
  <form method="post" action="${BASE}/next">${csrfField(c)}<button class="ok">${t('Ambil kasus berikutnya', 'Take the next case')}</button></form>
  <a class="button secondary" href="${BASE}">${t('Terbuka', 'Open')}</a>
  <a class="button secondary" href="${BASE}?mine=1">${t('Milik saya', 'Mine')}</a>
  <a class="button secondary" href="${BASE}?status=closed">${t('Ditutup', 'Closed')}</a>
  <a class="button secondary" href="${BASE}/settings">${t('Balasan siap pakai & target waktu', 'Canned replies & deadlines')}</a>
</div>
<div id="inbox-live" hx-get="${BASE}?status=${status}${mine ? '&mine=1' : ''}" hx-trigger="every ${h().refreshSeconds}s" hx-select="#inbox-live" hx-swap="outerHTML">
<p class="summary" data-counts>${t('Baru', 'New')} <strong data-count="new">${counts.new}</strong> · ${t('terbuka', 'open')} <strong>${counts.open}</strong> · ${t('lewat target', 'overdue')} <strong data-count="overdue">${counts.overdue}</strong> · ${t('milik saya', 'mine')} <strong>${counts.mine}</strong></p>
${list}
</div>
${status === 'closed' ? satisfaction(t, h().service.satisfaction(new Date(deps.ctx.clock.now().getTime() - 365 * 86_400_000), new Date('9999-12-31T00:00:00.000Z')), undefined, { words: h().service.readsResidentTexts(officer) }) : ''}
<p class="small">${t('Nomor (NIK, KK, telepon) disamarkan di daftar ini. Membuka kasus menampilkan teks lengkap dan dicatat di log audit.', 'Numbers (NIK, KK, phone) are masked in this list. Opening a case shows the full text and is written to the audit log.')}</p>`,
      });
    });

    r.post('/next', (c) => {
      const t = tr(c);
      const next = h().service.next(me(c));
      if (!next) return done(c, BASE, 'ok', t('Tidak ada kasus baru yang menunggu.', 'No new case is waiting.'));
      return c.redirect(`${BASE}/${next.id}?opened=1`, 303);
    });

    const detailPage = (c: Context, x: CaseDetail) => {
      const t = tr(c);
      const officer = me(c);
      const svc = h().service;
      const mineOrFree = !x.assignedTo || x.assignedTo === officer.name;
      const open = x.status === 'open';
      const author = (a: string, who: string | null) =>
        a === 'resident' ? t('Warga', 'Resident') : a === 'officer' ? `${t('Petugas', 'Officer')} ${who ?? ''}` : a === 'note' ? `${t('Catatan', 'Note')} ${who ?? ''}` : t('Sistem', 'System');
      const thread = html`<ul class="thread">${x.messages.map(
        (m) => html`<li class="${m.author}"><small>${author(m.author, m.officer)} · ${when(m.at, tz())}</small>${m.text ?? (m.fileId ? '' : t('(teks dihapus setelah masa simpan)', '(text removed after the retention period)'))}${m.fileId ? html`${m.text ? html`<br>` : ''}<a href="${BASE}/${x.id}/files/${m.fileId}" target="_blank" rel="noopener">📎 ${t('Lihat berkas', 'View file')}</a> · <a href="${BASE}/${x.id}/files/${m.fileId}?download=1">${t('Unduh', 'Download')}</a>` : ''}</li>`,
      )}</ul>`;
      const canned = svc.canned(officer);
      const assignForm = !open
        ? ''
        : !x.assignedTo
          ? html`<form method="post" action="${BASE}/${x.id}/assign">${csrfField(c)}<button class="ok">${t('Ambil kasus ini', 'Take this case')}</button></form>`
          : html`<form method="post" action="${BASE}/${x.id}/reassign" class="actions">${csrfField(c)}<label>${t('Alihkan ke', 'Reassign to')} <input name="to" value="${x.assignedTo === officer.name ? '' : officer.name}" required></label><button class="secondary">${t('Alihkan', 'Reassign')}</button></form>`;
      const replyForm = open
        ? mineOrFree
          ? html`<section class="card"><h2>${t('Balas warga', 'Answer the resident')}</h2>
<form method="post" action="${BASE}/${x.id}/reply">${csrfField(c)}<label>${t('Balasan (dikirim ke', 'Answer (sent to')} ${channelLabel(x.channel)})<textarea name="text" required maxlength="2000"></textarea></label><button>${t('Kirim balasan', 'Send answer')}</button></form>
${canned.length ? html`<h3>${t('Balasan siap pakai', 'Canned replies')}</h3><div class="canned">${canned.map((cr) => html`<details><summary>${cr.title}</summary><p>${cr.text}</p><form method="post" action="${BASE}/${x.id}/reply">${csrfField(c)}<input type="hidden" name="canned" value="${cr.id}"><button class="secondary">${t('Kirim ini', 'Send this')}</button></form></details>`)}</div>` : ''}
</section>`
          : html`<p class="flash warn">${t(`Kasus ini dipegang ${x.assignedTo}. Alihkan ke Anda dulu untuk membalas atau menutupnya.`, `This case is held by ${x.assignedTo}. Reassign it to yourself first to answer or close it.`)}</p>`
        : '';
      const closeForm =
        open && mineOrFree
          ? html`<section class="card"><h2>${t('Tutup kasus', 'Close the case')}</h2><form method="post" action="${BASE}/${x.id}/close" class="actions">${csrfField(c)}<label>${t('Hasil', 'Outcome')} <select name="outcome">${h().service.outcomes().map((o) => html`<option value="${o.id}">${o.label.id}</option>`)}</select></label><button class="warn">${t('Tutup dan minta penilaian warga', 'Close and ask the resident to rate')}</button></form></section>`
          : '';
      return page(c, {
        title: `${t('Kasus', 'Case')} #${x.id}: ${x.topicLabel}`,
        active: 'inbox',
        body: html`${STYLE}
<p><a href="${BASE}">← ${t('Kotak masuk', 'Inbox')}</a></p>
<section class="card">
  <p>${x.pungli ? html`<span class="badge pungli">pungli</span> ` : ''}<span class="badge ${x.status}">${x.status === 'open' ? t('Terbuka', 'Open') : t('Ditutup', 'Closed')}</span>
  ${x.overdue ? html`<span class="badge overdue">${t('Lewat target', 'Overdue')}</span>` : ''}
  · ${channelLabel(x.channel)} <code>${x.channel === 'web' ? x.address.slice(0, 8) + '…' : x.address}</code>
  · ${t('Dibuka', 'Opened')} ${when(x.openedAt, tz())} · ${t('Target', 'Deadline')} ${when(x.dueAt, tz())}
  · ${t('Petugas', 'Officer')}: <strong data-assigned>${x.assignedTo ?? t('belum ada', 'nobody yet')}</strong></p>
  ${x.topic === 'pengaduan' ? html`<p class="small">${t('Warga sudah diberi tahu kanal nasional: SP4N-LAPOR! (lapor.go.id), Halo Dukcapil 1500537, WhatsApp 0811-8005-373.', 'The resident was shown the national channels: SP4N-LAPOR! (lapor.go.id), Halo Dukcapil 1500537, WhatsApp 0811-8005-373.')}</p>` : ''}
  ${x.status === 'closed' ? html`<p>${t('Ditutup', 'Closed')} ${when(x.closedAt, tz())} ${t('oleh', 'by')} ${x.closedBy}: ${x.outcome ? svc.outcomeLabel(x.outcome, 'id') : ''}${x.rating ? html` · ${t('Penilaian warga', 'Resident’s rating')}: <strong>${x.rating}/5</strong>${x.ratingWord ? html` “${x.ratingWord}”` : ''}` : ''}</p>` : ''}
  <div class="actions">${assignForm}</div>
</section>
<div class="grid">
<section class="card"><h2>${t('Percakapan', 'Conversation')}</h2>${thread}</section>
<section class="card"><h2>${t('Sebelumnya dengan bot', 'Before, with the bot')}</h2>${x.context.length ? html`<ul class="thread">${x.context.map((m) => html`<li class="system"><small>${when(m.at, tz())}</small>${m.text}</li>`)}</ul>` : html`<p class="empty">—</p>`}
${x.fileList.length ? html`<h2>${t('Berkas dari warga', 'Files from the resident')}</h2><ul>${x.fileList.map((f) => html`<li><a href="${BASE}/${x.id}/files/${f.id}" target="_blank" rel="noopener">${f.media}${f.caption ? `: ${f.caption}` : ''}</a> <small>${when(f.receivedAt, tz())}</small> · <a href="${BASE}/${x.id}/files/${f.id}?download=1">${t('Unduh', 'Download')}</a></li>`)}</ul>` : ''}
</section>
</div>
${replyForm}
<section class="card"><h2>${t('Catatan (hanya untuk petugas)', 'Note (officers only)')}</h2><form method="post" action="${BASE}/${x.id}/note">${csrfField(c)}<textarea name="text" required maxlength="2000"></textarea><button class="secondary">${t('Simpan catatan', 'Save note')}</button></form></section>
${closeForm}`,
      });
    };

    r.get('/:id{[0-9]+}', (c) => {
      try {
        return detailPage(c, h().service.open(Number(c.req.param('id')), me(c)));
      } catch (err) {
        return done(c, BASE, 'err', errorText(c, errorMessage(err)));
      }
    });

    const act = (fn: (id: number, form: Record<string, unknown>, officer: Officer, t: Tr) => string) => async (c: Context) => {
      const id = Number(c.req.param('id'));
      const t = tr(c);
      try {
        const message = fn(id, (await c.req.parseBody()) as Record<string, unknown>, me(c), t);
        return done(c, `${BASE}/${id}`, 'ok', message);
      } catch (err) {
        return done(c, `${BASE}/${id}`, 'err', errorText(c, errorMessage(err)));
      }
    };
    r.post(
      '/:id{[0-9]+}/assign',
      act((id, _f, o, t) => (h().service.assign(id, o), t('Kasus ini sekarang Anda pegang.', 'You now hold this case.'))),
    );
    r.post(
      '/:id{[0-9]+}/reassign',
      act((id, f, o, t) => {
        const to = String(f.to ?? '').trim() || o.name;
        h().service.reassign(id, to, o);
        return t(`Kasus dialihkan ke ${to}.`, `Case reassigned to ${to}.`);
      }),
    );
    r.post(
      '/:id{[0-9]+}/reply',
      act((id, f, o, t) => {
        const cannedId = Number(f.canned ?? 0);
        const text = cannedId ? h().service.canned(o).find((x) => x.id === cannedId)?.text : String(f.text ?? '');
        if (!text) throw new HandoffError(400, t('Balasan siap pakai itu tidak ada lagi.', 'That canned reply no longer exists.'));
        h().service.reply(id, text, o);
        return t('Balasan dikirim ke warga.', 'Answer sent to the resident.');
      }),
    );
    r.post(
      '/:id{[0-9]+}/note',
      act((id, f, o, t) => (h().service.note(id, String(f.text ?? ''), o), t('Catatan disimpan.', 'Note saved.'))),
    );
    r.post(
      '/:id{[0-9]+}/close',
      act((id, f, o, t) => (h().service.close(id, String(f.outcome ?? ''), o), t('Kasus ditutup; warga diminta memberi penilaian.', 'Case closed; the resident was asked to rate it.'))),
    );

    r.get('/:id{[0-9]+}/files/:fileId{[0-9]+}', async (c) => {
      const t = tr(c);
      const id = Number(c.req.param('id'));
      try {
        const file = h().service.file(id, Number(c.req.param('fileId')), me(c));
        const got = await fetchCaseFile(h().fetchers, file);
        if (!got) return done(c, `${BASE}/${id}`, 'err', t(`Berkas tidak bisa diambil dari ${channelLabel(file.channel)} (mungkin sudah terlalu lama, atau saluran tidak tersambung). Minta warga mengirim ulang.`, `The file could not be fetched from ${channelLabel(file.channel)} (too old, or the channel is not connected). Ask the resident to send it again.`));
        const inline = c.req.query('download') !== '1' && /^(image\/|application\/pdf)/.test(got.mime);
        return c.body(got.bytes as unknown as ArrayBuffer, 200, {
          'content-type': got.mime,
          'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${got.name.replace(/[^\w.-]+/g, '_')}"`,
          'cache-control': 'private, no-store',
        });
      } catch (err) {
        return done(c, `${BASE}/${id}`, 'err', errorMessage(err));
      }
    });

    // ——— canned replies and deadlines ———

    r.get('/settings', (c) => {
      const t = tr(c);
      const o = me(c);
      const canned = h().service.canned(o);
      const deadlines = h().service.deadlines();
      return page(c, {
        title: t('Balasan siap pakai & target waktu', 'Canned replies & deadlines'),
        active: 'inbox',
        body: html`${STYLE}<p><a href="${BASE}">← ${t('Kotak masuk', 'Inbox')}</a></p>
<section class="card"><h2>${t('Target waktu jawaban (hari kerja)', 'Answer deadlines (working days)')}</h2>
<form method="post" action="${BASE}/settings/deadlines">${csrfField(c)}
${deadlines.map((d) => html`<label>${d.label} <input type="number" name="${d.topic}" min="1" max="60" value="${d.workingDays}" required> <small>${t(`bawaan ${d.fromFile}`, `default ${d.fromFile}`)}</small></label>`)}
<button>${t('Simpan target', 'Save deadlines')}</button></form>
<p class="small">${t('Dihitung dalam hari kerja penuh (Senin–Jumat, tanpa hari libur); berlaku untuk kasus baru.', 'Counted in full working days (Monday–Friday without holidays); applies to new cases.')}</p></section>
<section class="card"><h2>${t('Balasan siap pakai', 'Canned replies')}</h2>
${canned.map((cr) => html`<form method="post" action="${BASE}/settings/canned/${cr.id}" class="card">${csrfField(c)}<label>${t('Judul', 'Title')}<input name="title" value="${cr.title}" required maxlength="80"></label><label>${t('Teks', 'Text')}<textarea name="text" required maxlength="2000">${cr.text}</textarea></label><div class="actions"><button>${t('Simpan', 'Save')}</button><button class="danger" name="delete" value="1">${t('Hapus', 'Delete')}</button></div></form>`)}
<form method="post" action="${BASE}/settings/canned" class="card">${csrfField(c)}<h3>${t('Tambah balasan', 'Add a reply')}</h3><label>${t('Judul', 'Title')}<input name="title" required maxlength="80"></label><label>${t('Teks', 'Text')}<textarea name="text" required maxlength="2000"></textarea></label><button>${t('Tambah', 'Add')}</button></form>
</section>`,
      });
    });

    const settingsAct = (fn: (form: Record<string, unknown>, o: Officer, t: Tr, c: Context) => string) => async (c: Context) => {
      const t = tr(c);
      try {
        return done(c, `${BASE}/settings`, 'ok', fn((await c.req.parseBody()) as Record<string, unknown>, me(c), t, c));
      } catch (err) {
        return done(c, `${BASE}/settings`, 'err', errorMessage(err));
      }
    };
    r.post(
      '/settings/deadlines',
      settingsAct((f, o, t) => {
        for (const d of h().service.deadlines()) {
          const days = Number(f[d.topic]);
          if (days !== d.workingDays) h().service.setDeadline(o, d.topic, days);
        }
        return t('Target waktu disimpan.', 'Deadlines saved.');
      }),
    );
    r.post(
      '/settings/canned',
      settingsAct((f, o, t) => (h().service.saveCanned(o, { title: String(f.title ?? ''), text: String(f.text ?? '') }), t('Balasan ditambahkan.', 'Reply added.'))),
    );
    r.post(
      '/settings/canned/:cid{[0-9]+}',
      settingsAct((f, o, t, c) => {
        const id = Number(c.req.param('cid'));
        if (f.delete === '1') {
          h().service.deleteCanned(o, id);
          return t('Balasan dihapus.', 'Reply deleted.');
        }
        h().service.saveCanned(o, { id, title: String(f.title ?? ''), text: String(f.text ?? '') });
        return t('Balasan disimpan.', 'Reply saved.');
      }),
    );
  },
};

