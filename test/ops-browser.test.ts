// The web page's transport in a real browser (Debian's chromium): the identity travels in
// headers, and a busy database shows "sedang sibuk, pesan akan terkirim" until the same
// message goes through.
import path from 'node:path';
import Database from 'better-sqlite3';
import { hasChromium, warnIfNoChromium, webChatInChromium } from './chromium.js';
import { describe, expect, test } from 'vitest';

warnIfNoChromium('busy web chat in Chromium');

// Waits for what the resident sees, generous as in browser.test.ts: a loaded 2-core CI machine can take
// more than expect.poll's default second to answer (no timing is asserted).
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });

describe.skipIf(!hasChromium)('web chat transport in Chromium', () => {
  const rig = webChatInChromium({ app: { retryDelaysMs: [5, 5, 5] } });

  test('the secret never appears in a URL; a locked database shows "sedang sibuk" and the same message is answered once it is free', { timeout: 60_000 }, async () => {
    const { t, browser, base } = rig;
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(base);
    await poll(() => page.locator('.msg.bot').first().textContent()).toContain('asisten digital');
    const secret = await page.evaluate(() => localStorage.getItem('adminduk.chatSecret'));
    const id = await page.evaluate(() => localStorage.getItem('adminduk.chatId'));
    expect(secret && id).toBeTruthy();
    expect(urls.some((u) => u.includes(secret!) || u.includes(id!))).toBe(false);

    const other = new Database(path.join(t.dir, 'adminduk.db'));
    other.exec('BEGIN IMMEDIATE');
    await page.fill('#text', 'bantuan');
    await page.press('#text', 'Enter');
    await poll(() => page.locator('#status').textContent()).toMatch(/Sedang sibuk, pesan akan terkirim/);
    await page.screenshot({ path: '/tmp/adminduk-webchat-busy.png' });
    other.exec('COMMIT');
    other.close();
    await poll(() => page.locator('.msg.bot', { hasText: 'Cara memakai' }).count()).toBe(1);
    await poll(() => page.locator('#status').textContent()).toBe('');
    // Answered once: one "bantuan" recorded.
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM inbound_seen').pluck().get()).toBe(2);
    await page.close();
  });
});
