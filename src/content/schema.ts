// Shapes of the officer-editable content in flows/. Validated at start-up: a typo in a
// YAML file stops the bot with a message naming the file and the field.
import { z } from 'zod';

/** A text in both languages. Indonesian is the primary one. */
export const Bilingual = z.object({ id: z.string().min(1), en: z.string().min(1) }).strict();
export type Bilingual = z.infer<typeof Bilingual>;

export const CategoryId = z.enum(['ktp', 'kk', 'kia', 'akta', 'pindah', 'lainnya']);
export type CategoryId = z.infer<typeof CategoryId>;

export const Category = z
  .object({
    id: CategoryId,
    name: Bilingual,
    /** Words that point to the whole category ("kk", "akta"): ambiguous on their own. */
    keywords: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type Category = z.infer<typeof Category>;

export const RequiredDocument = z
  .object({
    /** Short, plain name of the document, as a question can use it ("Fotokopi KK"). */
    item: Bilingual,
    /** original: bring the original; copy: a photocopy; show_original: copy handed in, original shown; form: filled in at the office. */
    kind: z.enum(['original', 'copy', 'show_original', 'form']),
    /** Only needed in some cases ("jika pemohon belum 17 tahun tetapi sudah menikah"). */
    condition: Bilingual.optional(),
    /** The case (one of the service's `cases` ids, e.g. "hilang") in which alone it is asked for. */
    case: z.string().regex(/^[a-z0-9_]+$/).optional(),
    /** Where or how a resident gets it when they do not have it. */
    how_to_get: Bilingual,
  })
  .strict();
export type RequiredDocument = z.infer<typeof RequiredDocument>;

/** Where a requirement was checked: a title, a url or a regulation, and the date it was checked. */
export const Source = z
  .object({
    title: z.string().min(3, 'give the title of the page or regulation'),
    url: z.url({ message: 'expected a full address (https://…)' }).optional(),
    regulation: z.string().min(3).optional(),
    checked: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected the date it was checked, like 2026-12-01')
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'no such date'),
  })
  .strict()
  .refine((s) => s.url !== undefined || s.regulation !== undefined, { message: 'give a url or a regulation', path: ['url'] });
export type Source = z.infer<typeof Source>;

export const Service = z
  .object({
    id: z.string().regex(/^[a-z0-9_]+$/, 'use lower-case letters, digits and _'),
    category: CategoryId,
    name: Bilingual,
    /** At most ~30 characters: used on buttons and in lists. */
    short_name: Bilingual,
    /** Phrases residents type for this service ("ktp hilang", "e-ktp rusak"), lower case. */
    keywords: z.array(z.string().min(1)).min(1),
    eligibility: z.array(Bilingual).min(1),
    documents: z.array(RequiredDocument).min(1),
    /** Cases that change the documents (lost or damaged): the checklist asks which first, or reads it from what the resident said ("ktp ilang"). */
    cases: z
      .array(z.object({ id: z.string().regex(/^[a-z0-9_]+$/), label: Bilingual, keywords: z.array(z.string().min(1)).default([]) }).strict())
      .optional(),
    fee: Bilingual,
    processing_time: Bilingual,
    /** One line for applying online (SE 470/13287: photos or scans of the originals). */
    online: Bilingual,
    legal_basis: z.string().min(1),
    /** Pindah: which way the move goes (in: to this regency, out: away, within: inside it), so "pindah dari X ke Y" picks by the places named. */
    move: z.enum(['in', 'out', 'within']).optional(),
    /**
     * The ages (in years) the service is for, when its category's services part by age (KIA:
     * under 5, 5 to under 17): a typed age ("anaknya 7 tahun") picks among them. `then`: the
     * service for an age past every one of them (KIA → ktp_el_baru at 17).
     */
    ages: z
      .object({ from: z.number().min(0), below: z.number().positive(), then: z.string().min(1).optional() })
      .strict()
      .refine((a) => a.below > a.from, { message: '"below" must be more than "from"', path: ['below'] })
      .optional(),
    /**
     * The event must be reported within `days` (akta kelahiran: 60 days after the birth): a typed
     * age ("anak saya umur 3 tahun") is told whether it is late, and `late` what that means.
     */
    report_deadline: z.object({ days: z.number().int().positive(), late: Bilingual }).strict().optional(),
    /** Needs in-person e-KTP recording: the bot offers the urgent recording booking with it. */
    offers_recording_booking: z.boolean().default(false),
    /** Facts not yet confirmed with the office: shown to officers, easy to correct. */
    unverified: z.array(z.string()).default([]),
    /** Every service says where its requirements were checked (officers, reviewers; residents never see it). */
    sources: z.array(Source, { message: 'list the sources: title, url or regulation, checked' }).min(1, 'every service needs at least one source (title, url or regulation, checked)'),
  })
  .strict();
export type Service = z.infer<typeof Service>;

export const Office = z
  .object({
    name: z.string().min(1),
    short_name: z.string().min(1),
    regency: z.string().min(1),
    /** Two-digit province + two-digit regency code, e.g. "1803" for Lampung Utara. */
    regency_code: z.string().regex(/^\d{4}$/),
    /** Start of generated application tracking numbers ("LU" → LU-261130-AB3CD). */
    tracking_prefix: z.string().regex(/^[A-Z]{2,4}$/, 'expected 2–4 capital letters').default('LU'),
    address: Bilingual,
    hours: Bilingual,
    /** Places inside the regency (kecamatan, the regency's own names): "pindah dari Kotabumi ke …" is a move out. */
    places: z.array(z.string().min(2)).default([]),
    /**
     * The office's own channels, then the national ones (kind: national) for questions and for
     * reporting an illegal fee: Halo Dukcapil, the Dirjen's WhatsApp, SP4N-LAPOR!.
     */
    contacts: z
      .array(z.object({ label: Bilingual, value: z.string().min(1), kind: z.enum(['office', 'national']).default('office') }).strict())
      .default([]),
    health_protocol: z.array(Bilingual).min(1),
    /** Plain list of facts officers still have to confirm. */
    unverified: z.array(z.string()).default([]),
  })
  .strict();
export type Office = z.infer<typeof Office>;

/** flows/texts/*.yaml: key → { id, en }. Placeholders are written {name}. */
export const Texts = z.record(z.string().regex(/^[a-z0-9_.]+$/), Bilingual);
export type Texts = z.infer<typeof Texts>;
