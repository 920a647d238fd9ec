// WhatsApp: link state, the live QR (refreshing by itself) and the pairing code, relink and
// reconnect, the last disconnect and why; the alert (failed reconnects, logged out), WhatsApp's
// limits (restriction, new-chat cap), send failures by reason, and the messages that came in
// during an outage too late to be answered (numbers masked), for officers to follow up.
import type { Context } from 'hono';
import { officerOf } from '../../officers/auth.js';
import { maskDigitsInText, maskPhone } from '../../privacy/mask.js';
import { hasRole } from '../../officers/service.js';
import { alertText, tr, type Tr } from '../i18n.js';
import { csrfField, done, html, page, raw, table, when } from '../layout.js';
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

const REASONS: Record<string, [string, string]> = {
  rejected_463: ['Ditolak WhatsApp (463): warga belum menulis baru-baru ini', 'Refused by WhatsApp (463): the resident has not written recently'],
  rejected_479: ['Ditolak WhatsApp (479)', 'Rejected by WhatsApp (479)'],
  rejected_other: ['Ditolak WhatsApp (kode lain)', 'Rejected by WhatsApp (other code)'],
  restricted: ['Nomor kantor sedang dibatasi WhatsApp', 'The office number is restricted by WhatsApp'],
  no_ack: ['Tidak ada tanda terima dari server WhatsApp', 'No acknowledgement from the WhatsApp server'],
  not_connected: ['Bot tidak tersambung', 'The bot was not connected'],
  no_cold_messages: ['WhatsApp melarang pesan ke chat baru', 'WhatsApp refuses messages to new chats'],
  send_error: ['Gagal mengirim', 'Send error'],
  other: ['Lainnya', 'Other'],
};

/** A resident's number for officers: the phone JID if known, masked. */
function maskedNumber(jid: string, altJid: string | null): string {
  const pn = [jid, altJid].find((j) => j?.endsWith('@s.whatsapp.net'));
  return pn ? `+${maskPhone(pn.split('@')[0]!)}` : maskPhone(jid);
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
  ${s.alert ? html`<section class="flash err wa-alert" role="alert"><strong>${alertText(t, { ...s.alert, state: s.state, failedReconnects: s.failedReconnects })}</strong><br><small>${t('Sejak', 'Since')} ${when(s.alert.since, tz)}</small></section>` : ''}
  <section class="card">
    <p>${t('Status', 'State')}: <strong class="wa-state" data-state="${s.state}">${stateText(t, String(s.state))}</strong></p>
    ${s.number ? html`<p>${t('Nomor', 'Number')}: <code>${s.number}</code></p>` : ''}
    ${last ? html`<p>${t('Terakhir terputus', 'Last disconnect')}: ${when(last.at, tz)} ${last.statusCode ? html`(${last.statusCode})` : ''} ${last.reason}</p>` : ''}
    ${s.nextAttemptAt ? html`<p>${t('Percobaan berikutnya', 'Next attempt')}: ${when(String(s.nextAttemptAt), tz)}</p>` : ''}
  </section>
  ${!s.alert && s.failedReconnects > 0 ? html`<p class="flash warn">${t(`Gagal tersambung ulang ${s.failedReconnects} kali berturut-turut; bot terus mencoba.`, `${s.failedReconnects} failed reconnect(s) in a row; the bot keeps trying.`)}</p>` : ''}
  ${s.restriction?.active ? html`<p class="flash err wa-restriction">${t('WhatsApp sedang membatasi nomor kantor: bot tidak bisa memulai chat dengan warga yang belum menulis baru-baru ini', 'WhatsApp restricts the office number: the bot cannot start chats with residents who have not written recently')}${s.restriction.until ? html` (${t('sampai', 'until')} ${when(s.restriction.until, tz)})` : ''}. ${t('Pesan seperti itu tidak dicoba ulang; warga yang menulis lebih dulu tetap dijawab.', 'Such messages are not retried; residents who write first are still answered.')}</p>` : ''}
  ${s.newChatLimit && s.newChatLimit.status !== 'NONE' ? html`<p class="flash ${s.newChatLimit.capped ? 'err' : 'warn'} wa-limit">${s.newChatLimit.capped ? t('Batas pesan ke chat baru sudah habis', 'The limit on messages to new chats is used up') : t('Batas pesan ke chat baru hampir habis', 'The limit on messages to new chats is nearly used up')}${s.newChatLimit.total !== undefined ? html`: ${s.newChatLimit.used ?? 0}/${s.newChatLimit.total}` : ''}${s.newChatLimit.cycleEnds ? html` (${t('diperbarui', 'renews')} ${when(s.newChatLimit.cycleEnds, tz)})` : ''}.</p>` : ''}
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
    // What changes slowly (read once per page view): send failures and the unanswered messages.
    const details = (c: Context) => {
      const t = tr(c);
      const wa = deps.services.whatsapp;
      if (!wa) return '';
      const s = wa.status();
      const reasons = [...new Set([...Object.keys(s.sendFailures.failed), ...Object.keys(s.sendFailures.attemptsSinceStart)])] as Array<keyof typeof s.sendFailures.failed>;
      const messages = wa.unanswered({ limit: 200 });
      return html`<section class="card wa-failures">
  <h2>${t('Pesan yang gagal terkirim', 'Messages that failed to send')}</h2>
  ${reasons.length
    ? table(
        [t('Sebab', 'Reason'), t('Gagal (tersimpan)', 'Failed (kept)'), t('Percobaan gagal sejak bot jalan', 'Failed attempts since start')],
        reasons.map((r) => [html`${REASONS[r] ? t(REASONS[r][0], REASONS[r][1]) : r}`, html`${s.sendFailures.failed[r] ?? 0}`, html`${s.sendFailures.attemptsSinceStart[r] ?? 0}`]),
        { cls: 'failures' },
      )
    : html`<p class="empty">${t('Tidak ada.', 'None.')}</p>`}
</section>
<section class="card wa-unanswered">
  <h2>${t('Pesan yang belum terjawab', 'Unanswered messages')} <small>(${messages.length})</small></h2>
  <p class="small">${t('Pesan ini masuk saat bot mati dan sudah terlalu lama untuk dijawab otomatis. Warga diberi tahu saat menulis lagi. Mohon hubungi warga lewat WhatsApp di HP kantor (cari chat dari waktu dan isi pesannya).', 'These came in while the bot was offline, too long ago to be answered automatically. The resident is told when they write again. Please follow up from the office phone (find the chat by its time and text).')}</p>
  ${table(
    [t('Waktu dikirim', 'Sent at'), t('Nomor', 'Number'), t('Pesan', 'Message'), t('Warga sudah diberi tahu', 'Resident told')],
    messages.map((m) => [
      html`${when(m.sentAt, tz)}`,
      html`<code>${maskedNumber(m.jid, m.altJid)}</code>`,
      html`${m.text ? maskDigitsInText(m.text) : html`<small>(${m.kind})</small>`}`,
      html`${m.noticedAt ? when(m.noticedAt, tz) : t('Belum', 'Not yet')}`,
    ]),
    { cls: 'unanswered', empty: t('Tidak ada pesan yang tertinggal.', 'No message was left unanswered.') },
  )}
</section>`;
    };
    r.get('/', async (c) => page(c, { title: 'WhatsApp', active: 'whatsapp', body: html`${await panel(c)}${details(c)}` }));
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
