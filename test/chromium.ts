// Debian's chromium for the browser tests, driven by playwright-core (never a downloaded browser).
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { makeTestApp, type TestApp } from './helpers.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);

/** Says once per file which tests are skipped, and why. */
export function warnIfNoChromium(what: string): void {
  if (!hasChromium) console.warn(`SKIPPED browser tests (${what}): ${CHROMIUM} not found; install Debian's chromium to run them.`);
}

/** Headless, as root; this machine has no internet: background networking would only fail noisily. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A describe block's app with its HTTP server on loopback and one Chromium for its tests
 * (started before them, closed after). `phone()` opens the web chat at 360 × 740, in Indonesian.
 */
export function webChatInChromium(options: Parameters<typeof makeTestApp>[0] = {}) {
  const rig = {} as { t: TestApp; browser: Browser; base: string; phone(): Promise<Page> };
  beforeAll(async () => {
    rig.t = await makeTestApp({ ...options, env: { PORT: '0', HOST: '127.0.0.1', ...options.env } });
    rig.base = `http://127.0.0.1:${await rig.t.app.listen()}`;
    rig.browser = await launchChromium();
  });
  afterAll(async () => {
    await rig.browser?.close();
    await rig.t?.close();
  });
  rig.phone = async () => {
    const page = await rig.browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
    await page.goto(rig.base);
    return page;
  };
  return rig;
}
