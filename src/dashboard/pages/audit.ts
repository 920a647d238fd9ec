// Audit: every change with the logged-in officer who made it; search by words, officer,
// action and date.
import { actionChoices, actorText, auditView } from '../audit-text.js';
import { langOf, tr } from '../i18n.js';
import { dateField, html, page, table, when } from '../layout.js';
import type { DashboardPage } from '../registry.js';

const PAGE = 100;

export const auditPage: DashboardPage = {
  id: 'audit',
  path: '/audit',
  nav: { id: 'Audit', en: 'Audit' },
  role: 'viewer',
  order: 100,
  register(r, deps) {
    const tz = deps.ctx.config.OFFICE_TIMEZONE;
    r.get('/', (c) => {
      const t = tr(c);
      const words = { t, lang: langOf(c), when: (iso: string) => when(iso, tz) };
      const q = c.req.query();
      const day = (d?: string) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : undefined);
      const offset = Math.max(0, Number(q.offset ?? 0) || 0);
      const from = day(q.from);
      const to = day(q.to);
      const res = deps.services.officers.searchAudit({
        text: q.q?.trim() || undefined,
        actor: q.actor?.trim() || undefined,
        action: q.action?.trim() || undefined,
        from: from && `${from}T00:00:00`,
        to: to && `${to}T99`,
        limit: PAGE,
        offset,
      });
      const keep = new URLSearchParams(Object.entries({ q: q.q, actor: q.actor, action: q.action, from, to }).filter(([, v]) => v) as [string, string][]);
      return page(c, {
        title: t('Audit', 'Audit'),
        active: 'audit',
        body: html`<form class="toolbar" method="get" action="/admin/audit">
  <label class="grow">${t('Cari (kode, nomor, isi)', 'Search (code, number, detail)')}<input type="search" name="q" value="${q.q ?? ''}"></label>
  <label>${t('Petugas', 'Officer')}<input name="actor" value="${q.actor ?? ''}"></label>
  <label>${t('Tindakan', 'Action')}<input name="action" value="${q.action ?? ''}" placeholder="booking.check_in" list="audit-actions"></label>
  <datalist id="audit-actions">${actionChoices(t).map(([code, text]) => html`<option value="${code}" label="${text}"></option>`)}</datalist>
  ${dateField(c, 'from', t('Dari', 'From'), from)}
  ${dateField(c, 'to', t('Sampai', 'To'), to)}
  <button>${t('Cari', 'Search')}</button>
</form>
<p>${res.total} ${t('catatan', 'entries')}</p>
${table(
  [t('Waktu', 'When'), t('Petugas', 'Officer'), t('Tindakan', 'Action'), t('Rincian', 'Detail')],
  res.rows.map((a) => {
    const v = auditView(words, a);
    return [
      html`${when(a.at, tz)}`,
      html`<strong title="${a.actor}">${actorText(t, a.actor)}</strong>`,
      html`<span class="what">${v.what}</span> <code class="action">${a.action}</code>`,
      v.details.length ? html`<ul class="kv">${v.details.map((d) => html`<li>${d}</li>`)}</ul>` : html``,
    ];
  }),
  { empty: t('Tidak ada catatan yang cocok.', 'No matching entries.'), cls: 'audit' },
)}
<div class="pager">${offset > 0 ? html`<a href="?${keep}&offset=${Math.max(0, offset - PAGE)}">← ${t('Sebelumnya', 'Previous')}</a>` : ''}${offset + PAGE < res.total ? html`<a href="?${keep}&offset=${offset + PAGE}">${t('Berikutnya', 'Next')} →</a>` : ''}</div>`,
      });
    });
  },
};
