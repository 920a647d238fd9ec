// A resident in a real browser: Debian's chromium driven by playwright-core (never a downloaded browser).
import os from 'node:os';
import type { Page } from 'playwright-core';
import { hasChromium, warnIfNoChromium, webChatInChromium } from './chromium.js';
import { describe, expect, test } from 'vitest';

warnIfNoChromium('web chat in Chromium');

// A loaded 2-core CI machine can take seconds per step: generous waits, never a shorter test.
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });
/**
 * A button of the newest question, by its whole label. Only those can be pressed: the older
 * ones are disabled. Playwright picks its element once and then waits for it to be enabled,
 * so a `.last()` resolved before a slow answer arrives picks an old disabled button (the
 * menu's "Booking rekam KTP-el (darurat)" for "KTP-el") and waits on it forever.
 */
const choice = (page: Page, label: string) => page.getByRole('button', { name: label, exact: true, disabled: false });

describe.skipIf(!hasChromium)('web chat in Chromium', () => {
  const rig = webChatInChromium();

  test('menu → a service → checklist, on a phone-sized screen, and the chat survives a reload', { timeout: 60_000 }, async () => {
    const page = await rig.phone();
    const bot = page.locator('.msg.bot');
    await poll(() => bot.first().textContent()).toContain('asisten digital');

    await choice(page, 'Syarat dokumen').click();
    await choice(page, 'KTP-el').click();
    await choice(page, 'KTP-el hilang/rusak').click();
    await poll(() => bot.last().textContent()).toContain('Selanjutnya');
    expect(await page.locator('.msg.bot', { hasText: 'Dokumen yang dibawa' }).count()).toBe(1);

    await choice(page, 'Cek kelengkapan').click();
    // Lost or damaged decides the documents: asked first.
    await poll(() => bot.last().textContent()).toContain('hilang atau rusak');
    await choice(page, 'Hilang').click();
    await poll(() => bot.last().textContent()).toContain('(1/');
    await choice(page, 'Tidak ada').click();
    await poll(() => bot.last().textContent()).toContain('(2/');
    await choice(page, 'Ya, ada').click();
    await poll(() => page.locator('.msg.bot', { hasText: 'Yang masih kurang' }).count()).toBe(1);
    expect(await page.locator('.msg.bot', { hasText: 'Yang masih kurang' }).textContent()).toContain('polisi');

    // Typed text works too.
    await page.fill('#text', 'bantuan');
    await page.press('#text', 'Enter');
    await poll(() => page.locator('.msg.bot', { hasText: 'Cara memakai' }).count()).toBe(1);

    // Reload: the history is still there and the conversation goes on.
    const before = await page.locator('.msg').count();
    await page.reload();
    await poll(() => page.locator('.msg').count()).toBe(before);
    // Kept for a human look after a run (e.g. CI artefacts).
    await page.screenshot({ path: `${os.tmpdir()}/adminduk-webchat.png` });
    await page.close();
  });
});
