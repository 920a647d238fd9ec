// Loads and validates everything officers edit in flows/. Errors name the file and field.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { Category, Office, Service, Texts } from './schema.js';

export class ContentError extends Error {
  override name = 'ContentError';
}

export interface Content {
  services: Service[];
  servicesById: Map<string, Service>;
  categories: Category[];
  office: Office;
  texts: Texts;
  /** Counted up by each reload in place (reloadContentInPlace): what is read from the content (the NLU's keywords) is read again when it changes. */
  revision?: number;
}

/** Reads one YAML/JSON file and validates it; the error says which file and which field. */
export function loadDataFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    const text = fs.readFileSync(file, 'utf8');
    raw = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new ContentError(`${file}: cannot read: ${(err as Error).message}`);
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : '(top level)';
  throw new ContentError(`${file}: field "${where}": ${issue.message}`);
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Merges flows/texts/*.yaml; the same key in two files is an error (one owner per text). */
export function loadTexts(dir: string): Texts {
  const texts: Texts = {};
  const owner = new Map<string, string>();
  for (const file of yamlFiles(dir)) {
    for (const [key, value] of Object.entries(loadDataFile(file, Texts))) {
      if (owner.has(key)) throw new ContentError(`${file}: field "${key}": already defined in ${owner.get(key)}`);
      owner.set(key, file);
      texts[key] = value;
    }
  }
  return texts;
}

export function loadContent(contentDir: string, officeFile = path.join(contentDir, 'office.yaml')): Content {
  const services = yamlFiles(path.join(contentDir, 'services')).map((f) => {
    const service = loadDataFile(f, Service);
    if (path.basename(f).replace(/\.(ya?ml|json)$/, '') !== service.id) {
      throw new ContentError(`${f}: field "id": must match the file name (${service.id})`);
    }
    return service;
  });
  if (services.length === 0) throw new ContentError(`${path.join(contentDir, 'services')}: no service files found`);
  const categoriesFile = path.join(contentDir, 'categories.yaml');
  const categories = loadDataFile(categoriesFile, Category.array().min(1));
  for (const s of services) {
    if (!categories.some((c) => c.id === s.category)) {
      throw new ContentError(`${path.join(contentDir, 'services', s.id + '.yaml')}: field "category": "${s.category}" is not in ${categoriesFile}`);
    }
    if (s.ages?.then && !services.some((o) => o.id === s.ages!.then)) {
      throw new ContentError(`${path.join(contentDir, 'services', s.id + '.yaml')}: field "ages.then": "${s.ages.then}" is no service in ${path.join(contentDir, 'services')}`);
    }
  }
  return {
    services,
    servicesById: new Map(services.map((s) => [s.id, s])),
    categories,
    office: loadDataFile(officeFile, Office),
    texts: loadTexts(path.join(contentDir, 'texts')),
  };
}

/** Fills {placeholders}; an unknown key shows as the key itself so a missing text is visible, never a crash. */
export function translate(texts: Texts, lang: 'id' | 'en', key: string, vars?: Record<string, string | number>): string {
  const entry = texts[key];
  let text = entry ? entry[lang] : key;
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  return text;
}

/**
 * Loads `flows/` again and, only if all of it is valid, swaps it into `target` in place (the
 * same objects the engine and features hold), so the bot answers from the new content at once.
 * On an error `target` is left as it was and the error (file and field) is thrown.
 */
export function reloadContentInPlace(target: Content, contentDir: string, officeFile = path.join(contentDir, 'office.yaml')): Content {
  const fresh = loadContent(contentDir, officeFile);
  target.services.splice(0, target.services.length, ...fresh.services);
  target.servicesById.clear();
  for (const [id, s] of fresh.servicesById) target.servicesById.set(id, s);
  target.categories.splice(0, target.categories.length, ...fresh.categories);
  Object.assign(target.office, fresh.office);
  for (const key of Object.keys(target.texts)) delete target.texts[key];
  Object.assign(target.texts, fresh.texts);
  target.revision = (target.revision ?? 0) + 1;
  return target;
}
