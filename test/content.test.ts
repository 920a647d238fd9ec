// Checks the officer-edited requirement files in flows/ against the content schema and the
// research list in shared/domain, so a typo in a YAML file fails here before it reaches residents.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { Category, Service } from '../src/content/schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const servicesDir = path.join(root, 'flows', 'services');
const requirementsFile = path.resolve(root, '..', 'shared', 'domain', 'requirements.json');

function parseFile<T>(file: string, parse: (raw: unknown) => T): T {
  try {
    return parse(YAML.parse(fs.readFileSync(file, 'utf8')));
  } catch (err) {
    throw new Error(`${path.relative(root, file)}: ${(err as Error).message}`);
  }
}

const serviceFiles = fs.readdirSync(servicesDir).filter((f) => f.endsWith('.yaml')).sort();
const services = serviceFiles.map((f) => ({ file: f, service: parseFile(path.join(servicesDir, f), (raw) => Service.parse(raw)) }));
const categories = parseFile(path.join(root, 'flows', 'categories.yaml'), (raw) => Category.array().parse(raw));

describe('flows/ requirement content', () => {
  it('has 18 services, each in a file named after its id', () => {
    expect(services).toHaveLength(18);
    for (const { file, service } of services) expect(file).toBe(`${service.id}.yaml`);
  });

  it.skipIf(!fs.existsSync(requirementsFile))('uses the service ids of shared/domain/requirements.json', () => {
    const research = JSON.parse(fs.readFileSync(requirementsFile, 'utf8')) as { id: string }[];
    expect(services.map((s) => s.service.id).sort()).toEqual(research.map((r) => r.id).sort());
  });

  it('gives every category at least one service and a name that fits a button', () => {
    const categoryIds = categories.map((c) => c.id);
    expect(new Set(categoryIds).size).toBe(categoryIds.length);
    for (const c of categories) expect(services.some((s) => s.service.category === c.id), c.id).toBe(true);
    for (const { service } of services) expect(categoryIds).toContain(service.category);
    for (const c of categories) for (const name of [c.name.id, c.name.en]) expect(name.length, c.id).toBeLessThanOrEqual(30);
  });

  it('has no empty document texts and short names that fit a button', () => {
    for (const { service } of services) {
      for (const doc of service.documents) {
        for (const text of [doc.item, doc.how_to_get, ...(doc.condition ? [doc.condition] : [])]) {
          expect(text.id.trim(), service.id).not.toBe('');
          expect(text.en.trim(), service.id).not.toBe('');
        }
      }
      expect(service.short_name.id.length, service.id).toBeLessThanOrEqual(30);
      expect(service.short_name.en.length, service.id).toBeLessThanOrEqual(30);
    }
  });

  it('names every photocopy as one, since the checklist adds no "(fotokopi)" to it', () => {
    for (const { service } of services) {
      for (const doc of service.documents.filter((d) => d.kind === 'copy')) {
        expect(doc.item.id.toLowerCase(), service.id).toContain('fotokopi');
        expect(doc.item.en.toLowerCase(), service.id).toMatch(/cop(y|ies)/);
      }
    }
  });

  it('writes keywords in lower case and keeps each keyword with one service', () => {
    const owner = new Map<string, string>();
    for (const { service } of services) {
      for (const keyword of service.keywords) {
        expect(keyword, service.id).toBe(keyword.toLowerCase());
        expect(owner.get(keyword), `"${keyword}" in ${service.id}`).toBeUndefined();
        owner.set(keyword, service.id);
      }
    }
  });

  it('states that every service is free', () => {
    for (const { service } of services) expect(service.fee.id, service.id).toMatch(/^Gratis/);
  });
});
