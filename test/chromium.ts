// Debian's chromium for the browser tests, driven by playwright-core (never a downloaded browser).
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
