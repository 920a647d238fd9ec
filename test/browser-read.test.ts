// What a resident reads in the web chat on a small phone (360 × 740), in Debian's chromium:
// the bot greets by itself, the booking code stays on screen, old buttons are greyed out,
// the page's own words follow `bahasa`, and nothing scrolls sideways.
import os from 'node:os';
import { type Page } from 'playwright-core';
import { hasChromium, warnIfNoChromium, webChatInChromium } from './chromium.js';
import { describe, expect, test } from 'vitest';

warnIfNoChromium('what residents read, in Chromium');

// Waits for what the resident sees, generous as in browser.test.ts: a loaded 2-core CI machine can take
// more than expect.poll's default second to answer (no timing is asserted).
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
/**
 * A button of the newest question, by its whole label (or a pattern of it, for labels with counts)
 * as in browser.test.ts: only those can be pressed; a `.last()` resolved before a slow answer
 * arrives picks an old disabled button and waits on it forever.
 */
const choice = (page: Page, label: string | RegExp) => page.getByRole('button', { name: label, exact: true, disabled: false });
/** "Senin, 30 Nov — sisa 5" (a day) and "Pukul 08.00 — sisa 5" (a session), never the other. */
const DAY = /^(?!Pukul ).+ — sisa \d+/;
const SESSION = /^Pukul .+ — sisa \d+/;

/** A valid Lampung Utara NIK (born 12 Apr 1995). */
const NIK = '1803021204950077';

/** Whether an element is wholly inside the chat area as it is scrolled now. */
async function inView(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const el = [...document.querySelectorAll(sel)].at(-1);
    const log = document.getElementById('log')!.getBoundingClientRect();
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.top >= log.top && r.bottom <= log.bottom && r.height > 0;
  }, selector);
}

/** Nothing wider than the screen: no sideways scrolling anywhere. */
async function noHorizontalScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    log: document.getElementById('log')!.scrollWidth - document.getElementById('log')!.clientWidth,
  }));
  expect(widths).toEqual({ page: 0, log: 0 });
}

describe.skipIf(!hasChromium)('what residents read in the web chat (Chromium)', () => {
  const rig = webChatInChromium();

  test('a booking at 360 px: the bot greets by itself, and the code, date and time are on screen at the end', async () => {
    const page = await rig.phone();
    const bot = page.locator('.msg.bot');
    await poll(() => bot.first().textContent()).toContain('asisten digital');
    // No invented "halo" from the resident; the header names the office.
    expect(await page.locator('.msg.me').count()).toBe(0);
    expect(await page.locator('header h1').textContent()).toBe('Disdukcapil Kabupaten Lampung Utara');
    expect(await page.title()).toBe('Disdukcapil Kabupaten Lampung Utara');
    // The placeholder is not cut off at 360 px.
    expect(await page.locator('#text').evaluate((el: HTMLInputElement) => {
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = getComputedStyle(el).font;
      const pad = parseFloat(getComputedStyle(el).paddingLeft) + parseFloat(getComputedStyle(el).paddingRight);
      return ctx.measureText(el.placeholder).width + pad <= el.clientWidth;
    })).toBe(true);
    await noHorizontalScroll(page);

    // By keyboard: the menu's buttons, then the input, then "Kirim"; Enter on a button hands focus to the input.
    await page.getByRole('button', { name: 'Hubungi petugas' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('text');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('send');
    await page.getByRole('button', { name: 'Booking rekam KTP-el (darurat)' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('text');
    await choice(page, 'BPJS / JKN').click();
    await poll(() => bot.last().textContent()).toContain('Ketik NIK');
    // The menu and reason buttons were answered: they are greyed out, the picked one marked.
    expect(await page.getByRole('button', { name: 'BPJS / JKN' }).isDisabled()).toBe(true);
    expect(await page.locator('.choices button.picked').count()).toBe(2);
    expect(await page.locator('.choices button:not(:disabled)').count()).toBe(0);

    await page.fill('#text', NIK);
    await page.press('#text', 'Enter');
    await poll(() => bot.last().textContent()).toContain('nama lengkap');
    await page.fill('#text', 'Siti Aminah');
    await page.press('#text', 'Enter');
    await choice(page, DAY).first().click();
    await choice(page, SESSION).first().click();
    await poll(() => bot.last().textContent()).toContain('Sudah benar?');
    // Only the newest buttons can be pressed.
    const enabled = await page.locator('.choices button:not(:disabled)').allTextContents();
    expect(enabled).toEqual(['Ya, pesan', 'Pilih hari lain', 'Menu utama']);
    await choice(page, 'Ya, pesan').click();
    await poll(() => page.locator('.msg.bot', { hasText: 'Booking berhasil' }).count()).toBe(1);

    const confirmation = page.locator('.msg.bot', { hasText: 'Booking berhasil' });
    const code = (await confirmation.textContent())!.match(/Kode booking: ([A-Z0-9]{6})/)![1]!;
    // The code, the date and the time stand out, and are visible without scrolling.
    const strong = await confirmation.locator('strong').allTextContents();
    expect(strong[0]).toBe(code);
    expect(strong.slice(1).join(' ')).toMatch(/^\p{L}+, \d+ \p{L}+ 2026 \d\d\.\d\d$/u);
    expect(await inView(page, '.msg.bot strong')).toBe(true);
    expect(await page.evaluate(() => {
      const strong = [...document.querySelectorAll('.msg.bot strong')].slice(-3);
      const log = document.getElementById('log')!.getBoundingClientRect();
      return strong.every((s) => s.getBoundingClientRect().top >= log.top && s.getBoundingClientRect().bottom <= log.bottom);
    })).toBe(true);
    // No menu of six buttons pushed after it: one "Menu utama" choice on the confirmation itself.
    expect(await page.locator('.msg').last().textContent()).toContain('Booking berhasil');
    expect(await page.locator('.choices button:not(:disabled)').allTextContents()).toEqual(['Menu utama']);
    await noHorizontalScroll(page);
    await page.screenshot({ path: `${os.tmpdir()}/adminduk-read-booking-360.png` });

    // Text follows the browser's font size (rem), and a larger size still fits the width.
    await page.addStyleTag({ content: 'html { font-size: 150% !important; }' });
    expect(await page.locator('.msg.bot').last().evaluate((el) => getComputedStyle(el).fontSize)).toBe('24px');
    expect(await page.locator('#text').evaluate((el) => getComputedStyle(el).fontSize)).toBe('24px');
    await noHorizontalScroll(page);
    await page.screenshot({ path: `${os.tmpdir()}/adminduk-read-large-text-360.png` });

    // After a reload the history is back with the same buttons greyed out.
    await page.reload();
    await poll(() => page.locator('.msg.bot', { hasText: 'Booking berhasil' }).count()).toBe(1);
    expect(await page.locator('.choices button:not(:disabled)').allTextContents()).toEqual(['Menu utama']);
    await page.close();
  }, 30_000);

  test('after `bahasa` the page itself speaks English; on a wide screen too, with nothing sideways', async () => {
    const page = await rig.phone();
    await poll(() => page.locator('.msg.bot').first().textContent()).toContain('asisten digital');
    expect(await page.locator('#send').textContent()).toBe('Kirim');
    await page.fill('#text', 'bahasa');
    await page.press('#text', 'Enter');
    await poll(() => page.locator('#send').textContent()).toBe('Send');
    expect(await page.locator('#text').getAttribute('placeholder')).toBe('Type a message…');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#subtitle').textContent()).toBe('Civil registration help');
    expect(await page.getByLabel('Your message').count()).toBe(1);
    // The language button of the old menu is greyed out; the new English menu is live.
    await poll(() => page.locator('.choices button:not(:disabled)', { hasText: 'Document requirements' }).count()).toBe(1);
    expect(await page.locator('.choices button:disabled', { hasText: 'English' }).count()).toBe(1);
    await noHorizontalScroll(page);
    await page.screenshot({ path: `${os.tmpdir()}/adminduk-read-english-360.png` });

    // Offline: the message waits, visibly, and goes out when the network is back.
    await page.context().setOffline(true);
    await page.fill('#text', 'syarat kk');
    await page.press('#text', 'Enter');
    await poll(() => page.locator('#status').textContent()).toContain('No connection');
    expect(await page.locator('.msg.me.pending').textContent()).toContain('Sending…');
    await page.screenshot({ path: `${os.tmpdir()}/adminduk-read-offline-360.png` });
    await page.context().setOffline(false);
    await poll(() => page.locator('.msg.me.pending').count()).toBe(0);
    await poll(() => page.locator('#status').textContent()).toBe('');
    await poll(() => page.locator('.msg.bot').last().textContent()).toMatch(/Family Card|KK/);

    await page.setViewportSize({ width: 1280, height: 800 });
    // The new menu first: the one answered before may still be live until it arrives.
    const before = await page.locator('.msg.bot').count();
    await page.fill('#text', 'menu');
    await page.press('#text', 'Enter');
    await poll(() => page.locator('.msg.bot').count()).toBeGreaterThan(before);
    await choice(page, 'Document requirements').click();
    await poll(() => page.locator('.msg.bot').last().textContent()).toContain('Which document');
    await noHorizontalScroll(page);
    await page.screenshot({ path: `${os.tmpdir()}/adminduk-read-english-1280.png` });
    await page.close();
  }, 30_000);
});
