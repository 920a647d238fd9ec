// Petugas (admins only): accounts, roles, password resets, disabling, personal API tokens.
// One-time passwords and new tokens are shown once, on the page that created them.
import type { Context } from 'hono';
import { officerOf } from '../../officers/auth.js';
import { ROLES, type Role } from '../../officers/service.js';
import { roleLabel, tr } from '../i18n.js';
import { csrfField, done, html, page, table, when, type Html } from '../layout.js';
import type { DashboardPage } from '../registry.js';

const roleName = (t: ReturnType<typeof tr>, r: string) => ({ admin: t('Admin (akun, pengaturan, konten)', 'Admin (accounts, settings, content)'), petugas: t('Petugas (booking, permohonan, kotak masuk)', 'Officer (bookings, applications, inbox)'), viewer: t('Hanya melihat (tidak bisa mengubah apa pun)', 'Viewer (read only)') })[r] ?? r;

export const officersPage: DashboardPage = {
  id: 'officers',
  path: '/officers',
  nav: { id: 'Petugas', en: 'Officers' },
  role: 'admin',
  order: 90,
  register(r, deps) {
    const svc = () => deps.services.officers;
    const tz = deps.ctx.config.OFFICE_TIMEZONE;

    const view = (c: Context, secret?: Html) => {
      const t = tr(c);
      const list = svc().listDetailed();
      return page(c, {
        title: t('Petugas', 'Officers'),
        active: 'officers',
        body: html`${secret ?? ''}
<form method="post" action="/admin/officers" class="card toolbar">${csrfField(c)}
  <label>${t('Nama pengguna', 'Username')}<input name="username" required pattern="[a-zA-Z0-9._\\-]{3,32}"></label>
  <label class="grow">${t('Nama lengkap', 'Full name')}<input name="name"></label>
  <label>${t('Peran', 'Role')}<select name="role">${ROLES.map((r2) => html`<option value="${r2}" ${r2 === 'petugas' ? 'selected' : ''}>${roleName(t, r2)}</option>`)}</select></label>
  <button>${t('Buat akun', 'Create account')}</button>
</form>
${table(
  [t('Akun', 'Account'), t('Peran', 'Role'), t('Masuk terakhir', 'Last login'), t('Token API', 'API tokens'), ''],
  list.map((o) => [
    html`<strong>${o.username}</strong><br><small>${o.displayName}</small>${o.disabled ? html` <span class="badge closed">${t('nonaktif', 'disabled')}</span>` : ''}${o.locked ? html` <span class="badge no_show">${t('terkunci', 'locked')}</span>` : ''}${o.mustChange ? html` <span class="badge waiting">${t('belum ganti sandi', 'must change password')}</span>` : ''}`,
    html`<form method="post" action="/admin/officers/${o.id}/role" class="actions">${csrfField(c)}<select name="role" aria-label="${t('Peran', 'Role')}">${ROLES.map((r2) => html`<option value="${r2}" ${r2 === o.role ? 'selected' : ''}>${roleLabel(t, r2)}</option>`)}</select><button class="secondary">${t('Ubah', 'Change')}</button></form>`,
    html`${when(o.lastLoginAt, tz)}`,
    html`${o.tokens.map((tk) => html`<div class="actions"><code>${tk.prefix}…</code> ${tk.name} <small>${t('dipakai', 'used')} ${when(tk.lastUsedAt, tz)}</small><form method="post" action="/admin/officers/tokens/${tk.id}/revoke">${csrfField(c)}<button class="link">${t('cabut', 'revoke')}</button></form></div>`)}
      <form method="post" action="/admin/officers/${o.id}/token" class="actions">${csrfField(c)}<input name="name" placeholder="${t('nama token, mis. skrip impor', 'token name, e.g. import script')}" aria-label="${t('Nama token', 'Token name')}"><button class="secondary">${t('Token baru', 'New token')}</button></form>`,
    html`<div class="actions"><form method="post" action="/admin/officers/${o.id}/reset" data-confirm="${t(`Atur ulang kata sandi ${o.username}? Semua sesinya berakhir.`, `Reset ${o.username}'s password? All their sessions end.`)}">${csrfField(c)}<button class="warn">${t('Atur ulang sandi', 'Reset password')}</button></form>
      <form method="post" action="/admin/officers/${o.id}/${o.disabled ? 'enable' : 'disable'}">${csrfField(c)}<button class="${o.disabled ? 'secondary' : 'danger'}">${o.disabled ? t('Aktifkan', 'Enable') : t('Nonaktifkan', 'Disable')}</button></form></div>`,
  ]),
)}
<p class="small">${t('Token API dipakai skrip untuk JSON API di /api/admin dengan header', 'API tokens let scripts use the JSON API under /api/admin with the header')} <code>Authorization: Bearer adm_…</code>. ${t('Token punya peran akun pemiliknya; hanya disimpan dalam bentuk hash, jadi hanya terlihat sekali.', 'A token has its owner’s role; only its hash is stored, so it is shown once.')}</p>`,
      });
    };

    const once = (c: Context, title: string, what: string, secret: string) =>
      html`<section class="card flash ok secret" role="status"><h2>${title}</h2><p>${what}</p><p><code class="once">${secret}</code></p><p class="small">${tr(c)('Catat sekarang: nilai ini tidak ditampilkan lagi.', 'Write it down now: it is not shown again.')}</p></section>`;

    r.get('/', (c) => view(c));

    r.post('/', async (c) => {
      const t = tr(c);
      const f = await c.req.parseBody();
      const made = await svc().create({ username: String(f.username ?? ''), role: String(f.role ?? 'petugas') as Role, displayName: String(f.name ?? '') }, officerOf(c));
      if (!made.ok) return done(c, '/admin/officers', 'err', `${t('Akun belum dibuat', 'Account not created')}: ${made.error}`);
      return view(c, once(c, t(`Akun ${made.officer.username} dibuat`, `Account ${made.officer.username} created`), t('Kata sandi sekali pakai (harus diganti saat pertama masuk):', 'One-time password (must be changed at the first login):'), made.password));
    });

    r.post('/:id/role', async (c) => {
      const t = tr(c);
      const f = await c.req.parseBody();
      const res = svc().setRole(Number(c.req.param('id')), String(f.role) as Role, officerOf(c));
      return res.ok ? done(c, '/admin/officers', 'ok', t('Peran diubah.', 'Role changed.')) : done(c, '/admin/officers', 'err', res.error);
    });
    r.post('/:id/reset', async (c) => {
      const t = tr(c);
      const res = await svc().resetPassword(Number(c.req.param('id')), officerOf(c));
      if (!res.ok) return done(c, '/admin/officers', 'err', res.error);
      return view(c, once(c, t(`Kata sandi ${res.username} diatur ulang`, `${res.username}'s password reset`), t('Kata sandi sekali pakai baru:', 'New one-time password:'), res.password));
    });
    for (const [path, disabled] of [['disable', true], ['enable', false]] as const) {
      r.post(`/:id/${path}`, (c) => {
        const t = tr(c);
        const res = svc().setDisabled(Number(c.req.param('id')), disabled, officerOf(c));
        return res.ok ? done(c, '/admin/officers', 'ok', disabled ? t('Akun dinonaktifkan; sesinya berakhir.', 'Account disabled; its sessions ended.') : t('Akun diaktifkan.', 'Account enabled.')) : done(c, '/admin/officers', 'err', res.error);
      });
    }
    r.post('/:id/token', async (c) => {
      const t = tr(c);
      const f = await c.req.parseBody();
      const res = svc().createToken(Number(c.req.param('id')), String(f.name ?? ''), officerOf(c));
      if (!res.ok) return done(c, '/admin/officers', 'err', res.error);
      return view(c, once(c, t('Token API baru', 'New API token'), t('Pakai sebagai header Authorization: Bearer …', 'Use it as the header Authorization: Bearer …'), res.token));
    });
    r.post('/tokens/:id/revoke', (c) => {
      const t = tr(c);
      const ok = svc().revokeToken(Number(c.req.param('id')), officerOf(c));
      return ok ? done(c, '/admin/officers', 'ok', t('Token dicabut.', 'Token revoked.')) : done(c, '/admin/officers', 'err', t('Token tidak ditemukan.', 'No such token.'));
    });
  },
};
