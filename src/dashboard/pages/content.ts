// Konten: the office profile (address, hours, contacts) and each service's requirements in a
// form. Saved with the same zod validation as start-up, effective at once (no restart), audited.
// The facts still `unverified` are shown first, highlighted, so officers confirm them.
import type { Context } from 'hono';
import { MAX_TAUGHT_WORDS, teachablePhrase } from '../../content/edit.js';
import type { Bilingual, RequiredDocument, Service } from '../../content/schema.js';
import { officerOf } from '../../officers/auth.js';
import { hasRole } from '../../officers/service.js';
import { errorText, tr, type Tr } from '../i18n.js';
import { csrfField, done, html, page, table, type Html } from '../layout.js';
import type { DashboardPage } from '../registry.js';

type Form = Record<string, string>;

function bi(t: Tr, name: string, label: string, value: Bilingual | undefined, opts: { area?: boolean; required?: boolean } = {}): Html {
  const input = (lang: 'id' | 'en') =>
    opts.area
      ? html`<textarea name="${name}.${lang}" ${opts.required ? 'required' : ''}>${value?.[lang] ?? ''}</textarea>`
      : html`<input name="${name}.${lang}" value="${value?.[lang] ?? ''}" ${opts.required ? 'required' : ''}>`;
  return html`<fieldset class="bi"><legend>${label}</legend><div class="grid"><label>Indonesia${input('id')}</label><label>English${input('en')}</label></div></fieldset>`;
}

const get = (f: Form, k: string) => (f[k] ?? '').trim();
const biOf = (f: Form, k: string): Bilingual => ({ id: get(f, `${k}.id`), en: get(f, `${k}.en`) });
const lines = (s: string) => s.split(/\r?\n/).map((x) => x.trim()).filter(Boolean);
/** Rows named prefix.N.field, in N order, without the ones marked for removal or left empty. */
function rows(f: Form, prefix: string, isEmpty: (i: number) => boolean): number[] {
  const idx = new Set<number>();
  for (const k of Object.keys(f)) {
    const m = new RegExp(`^${prefix}\\.(\\d+)\\.`).exec(k);
    if (m) idx.add(Number(m[1]));
  }
  return [...idx].sort((a, b) => a - b).filter((i) => f[`${prefix}.${i}.remove`] !== 'yes' && !isEmpty(i));
}

export const contentPage: DashboardPage = {
  id: 'content',
  path: '/content',
  nav: { id: 'Konten', en: 'Content' },
  role: 'viewer',
  writeRole: 'admin',
  order: 80,
  register(r, deps) {
    const cs = () => deps.services.content;
    const formOf = async (c: Context): Promise<Form> => Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === 'string' ? v : ''])) as Form;

    r.get('/', (c) => {
      const t = tr(c);
      const lang = c.get('officer')!.lang;
      const content = cs().content;
      const o = content.office;
      const canWrite = hasRole(c.get('officer')!.role, 'admin');
      const contacts = [...o.contacts, { label: { id: '', en: '' }, value: '' }];
      const pending = content.services.filter((s) => s.unverified.length);
      return page(c, {
        title: t('Konten', 'Content'),
        active: 'content',
        body: html`${o.unverified.length ? html`<div class="unverified card"><h2>${t('Fakta kantor yang belum dikonfirmasi', 'Office facts not yet confirmed')}</h2><ul>${o.unverified.map((u) => html`<li>${u}</li>`)}</ul><p class="small">${t('Perbaiki faktanya di bawah, lalu hapus barisnya dari daftar “belum dikonfirmasi”.', 'Correct the fact below, then delete its line from the “not yet confirmed” list.')}</p></div>` : ''}
<form method="post" action="/admin/content/office" class="card">${csrfField(c)}
  <h2>${t('Profil kantor', 'Office profile')}</h2>
  <label>${t('Nama', 'Name')}<input name="name" value="${o.name}" required></label>
  <label>${t('Nama pendek', 'Short name')}<input name="short_name" value="${o.short_name}" required></label>
  ${bi(t, 'address', t('Alamat', 'Address'), o.address, { required: true })}
  ${bi(t, 'hours', t('Jam layanan', 'Opening hours'), o.hours, { required: true })}
  <fieldset><legend>${t('Kontak (kosongkan baris untuk menghapus)', 'Contacts (empty a row to delete it)')}</legend>
  ${contacts.map((k, i) => html`<div class="grid contact"><label>${t('Nama kontak (Indonesia)', 'Contact name (Indonesian)')}<input name="contacts.${i}.label.id" value="${k.label.id}"></label><label>${t('Nama kontak (English)', 'Contact name (English)')}<input name="contacts.${i}.label.en" value="${k.label.en}"></label><label>${t('Nomor atau alamat', 'Number or address')}<input name="contacts.${i}.value" value="${k.value}"></label></div>`)}
  </fieldset>
  <label class="${o.unverified.length ? 'field-unverified' : ''}">${t('Belum dikonfirmasi (satu per baris; hapus yang sudah benar)', 'Not yet confirmed (one per line; delete what is confirmed)')}<textarea name="unverified">${o.unverified.join('\n')}</textarea></label>
  ${canWrite ? html`<button>${t('Simpan profil kantor', 'Save the office profile')}</button>` : html`<p class="small">${t('Hanya admin yang bisa mengubah konten.', 'Only admins can change content.')}</p>`}
</form>
<h2>${t('Layanan dan persyaratan', 'Services and requirements')}</h2>
${pending.length ? html`<p class="flash warn">${t(`${pending.length} layanan punya fakta yang belum dikonfirmasi (ditandai).`, `${pending.length} service(s) have facts not yet confirmed (marked).`)}</p>` : ''}
${table(
  [t('Layanan', 'Service'), t('Dokumen', 'Documents'), t('Belum dikonfirmasi', 'Not confirmed'), ''],
  content.services.map((s) => [
    html`${s.short_name[lang]}<br><small><code>${s.id}</code></small>`,
    html`${s.documents.length}`,
    s.unverified.length ? html`<span class="badge perlu_perbaikan">${s.unverified.length}</span>` : html`—`,
    html`<a href="/admin/content/service/${s.id}">${canWrite ? t('Ubah', 'Edit') : t('Lihat', 'View')}</a>`,
  ]),
)}
${canWrite ? html`<form method="post" action="/admin/content/reload">${csrfField(c)}<p class="small">${t('Berkas di flows/ diubah langsung di server?', 'Files in flows/ edited on the server?')} <button class="link">${t('Muat ulang dari berkas', 'Reload from the files')}</button></p></form>` : ''}`,
      });
    });

    // After someone edited flows/ by hand on the server: load it again without a restart.
    r.post('/reload', (c) => {
      const t = tr(c);
      const result = cs().reload(officerOf(c));
      if (!result.ok) return done(c, '/admin/content', 'err', `${t('Berkas tidak dimuat; bot tetap memakai isi lama', 'Files not loaded; the bot keeps the old content')}: ${result.error}`);
      return done(c, '/admin/content', 'ok', t('Isi flows/ dimuat ulang.', 'flows/ reloaded.'));
    });

    // "Ajari bot" on Statistik: a question the bot did not understand becomes a keyword of the chosen service.
    r.post('/teach', async (c) => {
      const t = tr(c);
      const f = await formOf(c);
      const day = (d?: string) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : undefined);
      const from = day(f.from);
      const to = day(f.to);
      const back = `/admin/stats${from && to ? `?from=${from}&to=${to}` : ''}`;
      const s = cs().content.servicesById.get(get(f, 'service'));
      if (!s) return done(c, back, 'err', t('Belum diajarkan: pilih layanan yang dimaksud warga.', 'Not taught: choose the service the resident meant.'));
      const lang = c.get('officer')!.lang;
      const taught = teachablePhrase(f.phrase ?? '');
      if (!taught.ok) {
        const why = {
          number: t('kalimat ini berisi nomor (NIK, KK, telepon atau nomor yang disamarkan). Nomor tidak pernah dijadikan kata kunci: tulis kata-katanya saja, tanpa nomor.', 'it holds a number (NIK, KK, phone or a masked number). Numbers are never made keywords: write the words only, without the number.'),
          empty: t('tidak ada kata yang bisa diajarkan.', 'there are no words to teach.'),
          long: t(`paling banyak ${MAX_TAUGHT_WORDS} kata. Singkat menjadi kata-kata intinya, misalnya "ktp ilang".`, `at most ${MAX_TAUGHT_WORDS} words. Shorten it to the words that matter, e.g. "ktp ilang".`),
        }[taught.why];
        return done(c, back, 'err', `${t('Belum diajarkan', 'Not taught')}: ${why}`);
      }
      const result = cs().addKeyword(s.id, taught.phrase, officerOf(c));
      if (!result.ok) return done(c, back, 'err', `${t('Belum diajarkan', 'Not taught')}: ${errorText(c, result.error)}`);
      // Saved; said plainly when other words in the phrase still weigh more (another service's keyword, "booking", "status").
      const read = deps.ctx.nlu.classify(taught.phrase);
      if (read.kind === 'service' && read.serviceId === s.id) return done(c, back, 'ok', t(`Bot sekarang mengerti "${taught.phrase}" sebagai ${s.short_name[lang]}.`, `The bot now understands "${taught.phrase}" as ${s.short_name[lang]}.`));
      const others = read.kind === 'ambiguous' ? read.serviceIds.filter((id) => id !== s.id).map((id) => cs().content.servicesById.get(id)?.short_name[lang] ?? id).join(', ') : '';
      return done(c, back, 'ok', others
        ? t(`Disimpan sebagai kata ${s.short_name[lang]}, tetapi "${taught.phrase}" juga cocok dengan ${others}: bot akan menanyakan yang mana.`, `Saved as a word of ${s.short_name[lang]}, but "${taught.phrase}" also fits ${others}: the bot will ask which.`)
        : t(`Disimpan sebagai kata ${s.short_name[lang]}, tetapi bot masih membaca "${taught.phrase}" sebagai hal lain (ada kata yang lebih kuat di dalamnya). Coba kata-kata yang lebih khusus.`, `Saved as a word of ${s.short_name[lang]}, but the bot still reads "${taught.phrase}" as something else (a stronger word in it). Try more specific words.`));
    });

    r.post('/office', async (c) => {
      const t = tr(c);
      const f = await formOf(c);
      const o = cs().content.office;
      const contacts = rows(f, 'contacts', (i) => !get(f, `contacts.${i}.value`)).map((i) => ({ label: biOf(f, `contacts.${i}.label`), value: get(f, `contacts.${i}.value`) }));
      const next = { ...o, name: get(f, 'name'), short_name: get(f, 'short_name'), address: biOf(f, 'address'), hours: biOf(f, 'hours'), contacts, unverified: lines(f.unverified ?? '') };
      const result = cs().updateOffice(next, officerOf(c));
      if (!result.ok) return done(c, '/admin/content', 'err', `${t('Belum disimpan', 'Not saved')}: ${errorText(c, result.error)}`);
      return done(c, '/admin/content', 'ok', t('Profil kantor disimpan; bot langsung memakai isi baru.', 'Office profile saved; the bot uses it at once.'));
    });

    r.get('/service/:id', (c) => {
      const t = tr(c);
      const s = cs().content.servicesById.get(c.req.param('id'));
      if (!s) return done(c, '/admin/content', 'err', t('Layanan tidak ada.', 'No such service.'));
      const canWrite = hasRole(c.get('officer')!.role, 'admin');
      const empty: RequiredDocument = { item: { id: '', en: '' }, kind: 'copy', how_to_get: { id: '', en: '' } };
      const kinds: Array<[RequiredDocument['kind'], string]> = [
        ['original', t('Bawa asli', 'Bring the original')],
        ['copy', t('Fotokopi', 'Photocopy')],
        ['show_original', t('Fotokopi + tunjukkan asli', 'Copy + show the original')],
        ['form', t('Formulir di kantor', 'Form at the office')],
      ];
      return page(c, {
        title: `${t('Layanan', 'Service')}: ${s.short_name[c.get('officer')!.lang]}`,
        active: 'content',
        body: html`${s.unverified.length ? html`<div class="unverified card"><h2>${t('Belum dikonfirmasi', 'Not yet confirmed')}</h2><ul>${s.unverified.map((u) => html`<li>${u}</li>`)}</ul></div>` : ''}
<form method="post" action="/admin/content/service/${s.id}" class="card">${csrfField(c)}
  ${bi(t, 'name', t('Nama layanan', 'Service name'), s.name, { required: true })}
  ${bi(t, 'short_name', t('Nama pendek (tombol, paling banyak 30 huruf)', 'Short name (buttons, at most 30 letters)'), s.short_name, { required: true })}
  ${bi(t, 'fee', t('Biaya', 'Fee'), s.fee, { required: true })}
  ${bi(t, 'processing_time', t('Lama proses', 'Processing time'), s.processing_time, { required: true })}
  <h2>${t('Siapa yang bisa mengajukan', 'Who can apply')}</h2>
  ${[...s.eligibility, { id: '', en: '' }].map((e, i) => bi(t, `elig.${i}`, i < s.eligibility.length ? `${t('Syarat', 'Rule')} ${i + 1} ${t('(kosongkan untuk menghapus)', '(empty it to delete)')}` : t('Tambah syarat', 'Add a rule'), e))}
  <h2>${t('Dokumen yang dibawa', 'Documents to bring')}</h2>
  ${[...s.documents, empty].map(
    (d, i) => html`<fieldset class="doc"><legend>${i < s.documents.length ? `${t('Dokumen', 'Document')} ${i + 1}` : t('Tambah dokumen (isi jika perlu)', 'Add a document (fill in if needed)')}</legend>
    ${bi(t, `docs.${i}.item`, t('Nama dokumen', 'Document'), d.item)}
    <label>${t('Jenis', 'Kind')}<select name="docs.${i}.kind">${kinds.map(([k, l]) => html`<option value="${k}" ${d.kind === k ? 'selected' : ''}>${l}</option>`)}</select></label>
    ${bi(t, `docs.${i}.condition`, t('Hanya jika… (kosong: selalu)', 'Only if… (empty: always)'), d.condition)}
    ${bi(t, `docs.${i}.how_to_get`, t('Cara mendapatkannya', 'How to get it'), d.how_to_get, { area: true })}
    ${i < s.documents.length ? html`<label class="check"><input type="checkbox" name="docs.${i}.remove" value="yes"> ${t('Hapus dokumen ini', 'Remove this document')}</label>` : ''}
  </fieldset>`,
  )}
  <fieldset class="keywords"><legend>${t('Kata-kata warga untuk layanan ini', 'Words residents use for this service')}</legend>
  <p class="small">${t('Bot mengenali layanan ini dari kata-kata ini. Tambah kata baru dari halaman Statistik (“Ajari bot”).', 'The bot recognises this service by these words. Add new ones from the Statistik page (“Ajari bot”).')}</p>
  <ul class="keyword-list">${s.keywords.map((k, i) => html`<li>${canWrite ? html`<label class="check"><input type="checkbox" name="kw.remove.${i}" value="${k}"> ${k} <small>(${t('hapus', 'remove')})</small></label>` : k}</li>`)}</ul>
  </fieldset>
  <label class="${s.unverified.length ? 'field-unverified' : ''}">${t('Belum dikonfirmasi (satu per baris; hapus yang sudah benar)', 'Not yet confirmed (one per line; delete what is confirmed)')}<textarea name="unverified">${s.unverified.join('\n')}</textarea></label>
  ${canWrite ? html`<button>${t('Simpan layanan', 'Save the service')}</button>` : ''}
</form>
<p><a href="/admin/content">← ${t('Konten', 'Content')}</a></p>`,
      });
    });

    r.post('/service/:id', async (c) => {
      const t = tr(c);
      const id = c.req.param('id');
      const s = cs().content.servicesById.get(id);
      if (!s) return done(c, '/admin/content', 'err', t('Layanan tidak ada.', 'No such service.'));
      const f = await formOf(c);
      const documents = rows(f, 'docs', (i) => !get(f, `docs.${i}.item.id`) && !get(f, `docs.${i}.item.en`)).map((i) => {
        const condition = biOf(f, `docs.${i}.condition`);
        return {
          item: biOf(f, `docs.${i}.item`),
          kind: get(f, `docs.${i}.kind`) as RequiredDocument['kind'],
          ...(condition.id || condition.en ? { condition } : {}),
          how_to_get: biOf(f, `docs.${i}.how_to_get`),
        };
      });
      const eligibility = rows(f, 'elig', (i) => !get(f, `elig.${i}.id`) && !get(f, `elig.${i}.en`)).map((i) => biOf(f, `elig.${i}`));
      // Ticked "hapus": by the word itself, so a keyword added meanwhile is never removed instead.
      const removed = new Set(Object.entries(f).filter(([k]) => k.startsWith('kw.remove.')).map(([, v]) => v));
      const keywords = s.keywords.filter((k) => !removed.has(k));
      const next: Service = { ...s, keywords, eligibility, name: biOf(f, 'name'), short_name: biOf(f, 'short_name'), fee: biOf(f, 'fee'), processing_time: biOf(f, 'processing_time'), documents, unverified: lines(f.unverified ?? '') };
      const result = cs().updateService(id, next, officerOf(c));
      if (!result.ok) return done(c, `/admin/content/service/${id}`, 'err', `${t('Belum disimpan', 'Not saved')}: ${errorText(c, result.error)}`);
      return done(c, `/admin/content/service/${id}`, 'ok', t('Layanan disimpan; bot langsung memakai isi baru.', 'Service saved; the bot uses it at once.'));
    });
  },
};
