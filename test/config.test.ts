// Start-up checks an admin meets: bad settings and bad content stop the bot with one clear line.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadCoreConfig } from '../src/config.js';
import { ContentError, loadContent } from '../src/content/load.js';
import { createLogger } from '../src/log.js';
import { maskName, maskNik, maskPhone } from '../src/privacy/mask.js';
import { tempDir } from './helpers.js';

describe('configuration', () => {
  test('defaults need nothing', () => {
    const c = loadCoreConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: 'data', OFFICE_TIMEZONE: 'Asia/Jakarta', IDLE_MINUTES: 30, WEB_CHAT: true });
    expect(c.dbFile).toBe(path.join('data', 'adminduk.db'));
    expect(c.ADMIN_TOKEN).toBeUndefined();
  });

  test.each([
    [{ PORT: 'abc' }, /^Invalid PORT: .*port number.*\(got "abc"\)$/],
    [{ PORT: '70000' }, /^Invalid PORT/],
    [{ OFFICE_TIMEZONE: 'Mars/Olympus' }, /^Invalid OFFICE_TIMEZONE: expected an IANA time zone/],
    [{ LOG_LEVEL: 'loud' }, /^Invalid LOG_LEVEL: expected one of/],
    [{ WEB_CHAT: 'maybe' }, /^Invalid WEB_CHAT: expected on or off/],
    [{ ADMIN_TOKEN: 'short' }, /^Invalid ADMIN_TOKEN: expected at least 16 characters/],
  ])('%o is refused with one line naming it', (env, message) => {
    expect(() => loadCoreConfig(env)).toThrow(ConfigError);
    expect(() => loadCoreConfig(env)).toThrow(message);
  });

  test('an empty value in .env means "use the default"', () => {
    expect(loadCoreConfig({ PORT: '' }).PORT).toBe(3000);
  });
});

describe('content validation', () => {
  function copyContent(): string {
    const dir = tempDir();
    fs.cpSync(path.resolve('flows'), dir, { recursive: true });
    return dir;
  }

  test('the shipped content loads: 19 services, the office, texts in both languages', () => {
    const content = loadContent(path.resolve('flows'));
    expect(content.services).toHaveLength(19);
    expect(content.office.regency_code).toBe('1803');
    for (const [key, text] of Object.entries(content.texts)) {
      expect(text.id.trim(), key).not.toBe('');
      expect(text.en.trim(), key).not.toBe('');
    }
  });

  test('a broken service file names the file and the field', () => {
    const dir = copyContent();
    const file = path.join(dir, 'services', 'kk_hilang_rusak.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^category: .*$/m, 'category: paspor'));
    expect(() => loadContent(dir)).toThrow(ContentError);
    expect(() => loadContent(dir)).toThrow(/kk_hilang_rusak\.yaml: field "category"/);
  });

  test('a text missing its English version names the key', () => {
    const dir = copyContent();
    fs.writeFileSync(path.join(dir, 'texts', 'zz-extra.yaml'), 'menu.extra:\n  id: "Tambahan"\n');
    expect(() => loadContent(dir)).toThrow(/zz-extra\.yaml: field "menu\.extra\.en"/);
  });

  test('the same text key in two files is refused', () => {
    const dir = copyContent();
    fs.writeFileSync(path.join(dir, 'texts', 'zz-dup.yaml'), 'core.welcome:\n  id: "a"\n  en: "b"\n');
    expect(() => loadContent(dir)).toThrow(/core\.welcome.*already defined/);
  });
});

describe('personal data in logs', () => {
  test('NIKs and phone numbers are masked in messages and fields', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const log = createLogger('info', sink);
    log.info({ nik: '1803025504950001', jid: '6281234567890@s.whatsapp.net', chatId: 123456789012 }, 'resident typed 1803 0255 0495 0001 and 0812-3456-7890');
    const out = lines.join('');
    expect(out).not.toMatch(/1803025504950001|6281234567890|123456789012|0812-3456-7890|1803 0255/);
    expect(out).toContain('1803**********01');
  });

  test('maskers', () => {
    expect(maskNik('1803025504950001')).toBe('1803**********01');
    expect(maskPhone('6281234567890@s.whatsapp.net')).toBe('6281*******90@s.whatsapp.net');
    expect(maskName('Siti Aminah')).toBe('S*** A*****');
  });
});
