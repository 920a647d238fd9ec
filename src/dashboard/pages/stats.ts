// Statistik: charts over a chosen period (Chart.js, served by the app): messages per day per
// channel, residents active, intents asked, quota use and no-show rate, notification delivery,
// and the questions the bot did not understand (masked, with counts): beside each, an admin
// picks the service it meant and "Ajari bot" adds it as that service's keyword (POST
// /admin/content/teach: validated, effective at once, audited).
// Without JavaScript each chart's figures show as a table instead (<noscript>).
import { channelName, idDate, tr } from '../i18n.js';
import { csrfField, dateField, html, page, table, when } from '../layout.js';
import { teachablePhrase } from '../../content/edit.js';
import { hasRole } from '../../officers/service.js';
import type { DashboardPage } from '../registry.js';
import { satisfaction } from '../../handoff/inbox-page.js';
import { officerOf, roleOf } from '../../officers/auth.js';

const COLORS = ['#0b5cad', '#1c7c3c', '#a35200', '#7b3fa0', '#b3261e', '#00838f'];
const DAY = 86_400_000;
/** A count axis: from zero, whole numbers only (Chart.js would label 1 message as 0,1 … 1,0). */
const COUNT = { beginAtZero: true, ticks: { precision: 0 } };
/** A day axis: labels upright (slanted ones were cut at a phone's edge), some skipped when narrow. */
const DAYS = { ticks: { maxRotation: 0, autoSkipPadding: 8 } };
/** "2026-11-17" as read in Indonesia, without the year of a two-week chart: "17/11". */
const dayMonth = (iso: string) => idDate(iso).slice(0, 5);

export const statsPage: DashboardPage = {
  id: 'stats',
  path: '/stats',
  nav: { id: 'Statistik', en: 'Statistics' },
  role: 'viewer',
  order: 70,
  register(r, deps) {
    const tz = deps.ctx.config.OFFICE_TIMEZONE;
    r.get('/', (c) => {
      const t = tr(c);
      const stats = deps.services.stats;
      const today = stats.day(deps.ctx.clock.now());
      const ok = (d?: string) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : undefined);
      let to = ok(c.req.query('to')) ?? today;
      let from = ok(c.req.query('from')) ?? new Date(Date.parse(`${to}T00:00:00Z`) - 13 * DAY).toISOString().slice(0, 10);
      if (from > to) [from, to] = [to, from];
      const rep = stats.report(from, to);
      const labels = rep.days.map(dayMonth);
      // Without JavaScript (or when Chart.js cannot load) the same figures as a table: days with nothing are left out.
      type ChartConfig = { data: { labels: string[]; datasets: Array<{ label: string; data?: Array<number | null>; [style: string]: unknown }> }; [option: string]: unknown };
      const figures = (config: ChartConfig, first: string) => {
        const { labels: rows, datasets } = config.data;
        const kept = rows.map((label, i) => ({ label, values: datasets.map((d) => d.data?.[i] ?? null) })).filter((r) => r.values.some((v) => v));
        return html`<noscript>${table([first, ...datasets.map((d) => d.label)], kept.map((r) => [html`${r.label}`, ...r.values.map((v) => html`${v ?? '—'}`)]), { empty: t('Belum ada angka.', 'No figures yet.'), cls: 'figures' })}</noscript>`;
      };
      const chart = (id: string, title: string, config: ChartConfig, first = t('Hari', 'Day')) =>
        html`<section class="card"><h2>${title}</h2><div class="chart"><canvas id="${id}" role="img" aria-label="${title}" data-chart="${JSON.stringify(config)}"></canvas></div>${figures(config, first)}</section>`;
      const channels = Object.keys(rep.messages);
      const intentName = (k: string) =>
        ({ requirements: t('Syarat dokumen', 'Requirements'), booking: t('Booking rekam e-KTP', 'e-KTP booking'), status: t('Cek status', 'Status check'), officer: t('Hubungi petugas', 'Contact an officer') })[k] ?? k;
      const lang = c.get('officer')!.lang;
      const canTeach = hasRole(c.get('officer')!.role, 'admin');
      const services = deps.ctx.content.services;
      const teachCell = (text: string) => {
        const p = teachablePhrase(text);
        // The service the question is already a keyword of (taught here, or in the files).
        const learnt = p.ok ? services.find((sv) => sv.keywords.includes(p.phrase)) : undefined;
        if (learnt) return html`<span class="question">${text}</span><br><small class="learnt">✓ ${t('Sudah diajarkan', 'Taught')}: ${learnt.short_name[lang]}</small>`;
        if (!canTeach) return html`<span class="question">${text}</span>`;
        // The words as typed, editable (folded away unless they must be shortened: a number, too many words).
        const fit = p.ok;
        return html`<span class="question">${text}</span><form method="post" action="/admin/content/teach" class="teach">${csrfField(c)}<input type="hidden" name="from" value="${from}"><input type="hidden" name="to" value="${to}">
<details ${fit ? '' : 'open'}><summary>${fit ? t('Persingkat kata-katanya dulu', 'Shorten the words first') : t('Persingkat dulu: tanpa nomor, paling banyak 6 kata', 'Shorten first: no numbers, at most 6 words')}</summary><label>${t('Kata yang diajarkan', 'Words to teach')}<input name="phrase" value="${text}" maxlength="200" required></label></details>
<div class="teach-row"><label>${t('Artinya', 'It means')}<select name="service" required><option value="">${t('— pilih layanan —', '— choose a service —')}</option>${services.map((sv) => html`<option value="${sv.id}">${sv.short_name[lang]}</option>`)}</select></label>
<button>${t('Ajari bot', 'Teach the bot')}</button></div></form>`;
      };
      return page(c, {
        title: t('Statistik', 'Statistics'),
        active: 'stats',
        body: html`<form class="toolbar" method="get" action="/admin/stats">
  ${dateField(c, 'from', t('Dari', 'From'), from)}
  ${dateField(c, 'to', t('Sampai', 'To'), to)}
  <button>${t('Tampilkan', 'Show')}</button>
</form>
<p class="summary">${t('Pesan masuk', 'Messages in')}: <strong class="total-messages">${rep.totalMessages}</strong> · ${t('tidak dimengerti', 'not understood')}: <strong>${rep.notUnderstood.reduce((a, b) => a + b, 0)}</strong></p>
<div class="grid charts">
${chart('messages', t('Pesan per hari per saluran', 'Messages per day per channel'), { type: 'bar', data: { labels, datasets: channels.map((ch, i) => ({ label: channelName(ch), data: rep.messages[ch], backgroundColor: COLORS[i % COLORS.length] })) }, options: { scales: { x: { ...DAYS, stacked: true }, y: { ...COUNT, stacked: true } } } })}
${chart('active', t('Warga aktif per hari', 'Residents active per day'), { type: 'line', data: { labels, datasets: [{ label: t('warga', 'residents'), data: rep.activeResidents, borderColor: COLORS[0] }] }, options: { scales: { x: DAYS, y: COUNT } } })}
${chart('intents', t('Yang ditanyakan', 'What residents asked for'), { type: 'bar', data: { labels: rep.intents.map((x) => intentName(x.key)), datasets: [{ label: t('kali', 'times'), data: rep.intents.map((x) => x.count), backgroundColor: COLORS[1] }] }, options: { indexAxis: 'y', scales: { x: COUNT } } }, t('Topik', 'Topic'))}
${chart('quota', t('Kuota terpakai dan tidak datang', 'Quota use and no-shows'), { type: 'bar', data: { labels, datasets: [{ label: t('terpesan', 'booked'), data: rep.bookings.map((b) => b.booked), backgroundColor: COLORS[0] }, { label: t('sudah datang', 'checked in'), data: rep.bookings.map((b) => b.checked_in), backgroundColor: COLORS[1] }, { label: t('tidak datang', 'no-show'), data: rep.bookings.map((b) => b.no_show), backgroundColor: COLORS[4] }] }, options: { scales: { x: DAYS, y: COUNT } } })}
${chart('deliveries', t('Pengiriman notifikasi', 'Notification delivery'), { type: 'bar', data: { labels, datasets: [{ label: t('terkirim', 'sent'), data: rep.deliveries.map((d) => d.sent), backgroundColor: COLORS[1] }, { label: t('gagal', 'failed'), data: rep.deliveries.map((d) => d.failed), backgroundColor: COLORS[4] }, { label: t('detik rata-rata sampai terkirim', 'mean seconds to send'), type: 'line', data: rep.deliveries.map((d) => (d.latency === null ? null : Math.round(d.latency))), borderColor: COLORS[2], yAxisID: 'y1' }] }, options: { scales: { x: DAYS, y: COUNT, y1: { ...COUNT, position: 'right', grid: { drawOnChartArea: false } } } } })}
${chart('unknown', t('Pertanyaan tidak dimengerti per hari', 'Questions not understood per day'), { type: 'line', data: { labels, datasets: [{ label: t('pesan', 'messages'), data: rep.notUnderstood, borderColor: COLORS[4] }] }, options: { scales: { x: DAYS, y: COUNT } } })}
</div>
<section class="card unknown" id="belum-dimengerti"><h2>${t('Pertanyaan yang belum dimengerti bot', 'Questions the bot did not understand')}</h2>
<p class="small">${canTeach
  ? t('Angka panjang disamarkan. Jika Anda tahu maksud warga, pilih layanannya lalu tekan “Ajari bot”: bot langsung mengerti kata-kata itu. Boleh dipersingkat dulu (paling banyak 6 kata, tanpa nomor).', 'Long numbers are masked. If you know what the resident meant, choose the service and press “Ajari bot”: the bot understands those words at once. You may shorten them first (at most 6 words, no numbers).')
  : t('Angka panjang disamarkan. Admin bisa mengajari bot arti kata-kata ini dari halaman ini.', 'Long numbers are masked. An admin can teach the bot what these words mean from this page.')}</p>
${table([t('Pertanyaan', 'Question'), t('Jumlah', 'Count'), t('Terakhir', 'Last')], rep.unknownQuestions.map((q) => [teachCell(q.text), html`${q.count}`, html`${when(q.last, tz)}`]), { empty: t('Belum ada.', 'None yet.'), cls: 'unknown-questions' })}
</section>
${deps.services.handoff ? satisfaction(t, deps.services.handoff.service.satisfactionForDays(from, to), t('Kepuasan warga setelah dilayani petugas (1–5)', 'Residents’ satisfaction after an officer helped (1–5)'), { words: deps.services.handoff.service.readsResidentTexts({ name: officerOf(c), role: roleOf(c) ?? '' }) }) : ''}
<script src="/admin/assets/chart.umd.min.js" defer></script>`,
      });
    });
  },
};
