// Officers edit content from the dashboard: the office profile and each service's
// requirements. A change is validated with the same zod schemas as start-up, written to the
// YAML file (comments kept), reloaded into the running bot at once, and audited. If the
// whole of flows/ does not load afterwards, the file is put back and nothing changes.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Logger } from 'pino';
import type { Clock } from '../core/types.js';
import type { CoreStore } from '../store/core-store.js';
import { reloadContentInPlace, type Content } from './load.js';
import { Office, Service } from './schema.js';

export type EditResult = { ok: true } | { ok: false; error: string };

/** A phrase taught as a keyword has at most this many words ("ktp saya ilang di jalan"). */
export const MAX_TAUGHT_WORDS = 6;

/**
 * What residents typed, as a keyword: lower case, punctuation gone, spaces single. Refused when
 * it holds a number of 4+ digits or a masked one (NIK, KK, phone: personal data is never a
 * keyword), or when it is empty or longer than MAX_TAUGHT_WORDS words.
 */
export function teachablePhrase(text: string): { ok: true; phrase: string } | { ok: false; why: 'number' | 'empty' | 'long' } {
  if (/\*|\d(?:[\s.-]?\d){3,}/.test(text)) return { ok: false, why: 'number' };
  const phrase = text.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}\s-]+/gu, ' ').replace(/\s+/g, ' ').trim();
  if (!/\p{L}/u.test(phrase)) return { ok: false, why: 'empty' };
  if (phrase.split(' ').length > MAX_TAUGHT_WORDS) return { ok: false, why: 'long' };
  return { ok: true, phrase };
}

function problem(issues: Array<{ path: PropertyKey[]; message: string }>): string {
  const issue = issues[0]!;
  return `${issue.path.length ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}`;
}

export class ContentService {
  constructor(private readonly d: { content: Content; contentDir: string; officeFile: string; core: CoreStore; clock: Clock; log: Logger }) {}

  get content(): Content {
    return this.d.content;
  }

  serviceFile(id: string): string {
    return path.join(this.d.contentDir, 'services', `${id}.yaml`);
  }

  /** Loads flows/ again from disk (after an edit by hand): the bot keeps the old content on an error. */
  reload(by: string): EditResult {
    try {
      reloadContentInPlace(this.d.content, this.d.contentDir, this.d.officeFile);
      this.d.core.audit(by, 'content.reload', null, undefined, this.d.clock.now());
      return { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }

  updateOffice(next: unknown, by: string): EditResult {
    const parsed = Office.safeParse(next);
    if (!parsed.success) return { ok: false, error: problem(parsed.error.issues) };
    const before = this.d.content.office;
    return this.write(this.d.officeFile, parsed.data, by, 'content.office', 'office', diff(before, parsed.data));
  }

  updateService(id: string, next: unknown, by: string): EditResult {
    const current = this.d.content.servicesById.get(id);
    if (!current) return { ok: false, error: `layanan "${id}" tidak ada` };
    const parsed = Service.safeParse(next);
    if (!parsed.success) return { ok: false, error: problem(parsed.error.issues) };
    if (parsed.data.id !== id) return { ok: false, error: 'id: tidak boleh diubah' };
    return this.write(this.serviceFile(id), parsed.data, by, 'content.service', id, diff(current, parsed.data));
  }

  /** Adds a phrase residents typed as one of the service's keywords (see teachablePhrase); audited as content.keyword. */
  addKeyword(id: string, phrase: string, by: string): EditResult {
    const current = this.d.content.servicesById.get(id);
    if (!current) return { ok: false, error: `layanan "${id}" tidak ada` };
    if (current.keywords.includes(phrase)) return { ok: true };
    const parsed = Service.safeParse({ ...current, keywords: [...current.keywords, phrase] });
    if (!parsed.success) return { ok: false, error: problem(parsed.error.issues) };
    return this.write(this.serviceFile(id), parsed.data, by, 'content.keyword', id, ['keywords'], { added: phrase });
  }

  private write(file: string, data: object, by: string, action: string, subject: string, changed: string[], detail: object = { fields: changed }): EditResult {
    const before = fs.readFileSync(file, 'utf8');
    // Keep the file's comments: update the parsed document rather than writing a new one.
    const doc = YAML.parseDocument(before);
    for (const [key, value] of Object.entries(data)) {
      if (JSON.stringify(doc.toJS()?.[key]) !== JSON.stringify(value)) doc.set(key, doc.createNode(value));
    }
    for (const key of Object.keys(doc.toJS() ?? {})) if (!(key in data)) doc.delete(key);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, doc.toString({ lineWidth: 0 }));
    fs.renameSync(tmp, file);
    try {
      reloadContentInPlace(this.d.content, this.d.contentDir, this.d.officeFile);
    } catch (err) {
      fs.writeFileSync(file, before);
      return { ok: false, error: (err as Error).message };
    }
    this.d.core.audit(by, action, subject, detail, this.d.clock.now());
    this.d.log.info({ file, by, fields: changed }, 'content changed from the dashboard and reloaded');
    return { ok: true };
  }
}

function diff(a: object, b: object): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((b as Record<string, unknown>)[k]));
}
