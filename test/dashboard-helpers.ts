// Officers in tests: accounts with known passwords, a cookie jar that logs in through the real
// login form, and a temp copy of flows/ (the Konten page writes to it).
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Role } from '../src/officers/service.js';
import { tempDir, type TestApp } from './helpers.js';

export const PASSWORD = 'kata-sandi-rahasia-1';

export function contentCopy(): string {
  const dir = tempDir('adminduk-flows-');
  fs.cpSync(path.resolve('flows'), dir, { recursive: true });
  return dir;
}

export async function addOfficer(t: TestApp, username: string, role: Role, password = PASSWORD): Promise<number> {
  const made = await t.ctx.services.officers.create({ username, role, password, displayName: username }, 'test');
  if (!made.ok) throw new Error(made.error);
  return made.officer.id;
}

/** A browser-like session: cookies kept, forms posted as application/x-www-form-urlencoded. */
export class Session {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly t: TestApp, private readonly ip = '10.0.0.1') {}

  private header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/Max-Age=0/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string): Promise<{ status: number; location: string | null; text: string }> {
    const res = await this.t.ctx.http.request(url, { headers: { cookie: this.header(), 'x-forwarded-for': this.ip } });
    this.keep(res);
    const text = await res.text();
    const m = /name="csrf-token" content="([^"]*)"/.exec(text);
    if (m?.[1]) this.csrf = m[1];
    return { status: res.status, location: res.headers.get('location'), text };
  }

  async post(url: string, form: Record<string, string>, opts: { csrf?: string | null } = {}): Promise<{ status: number; location: string | null; text: string }> {
    const body = new URLSearchParams(form);
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null) body.set('_csrf', token);
    const res = await this.t.ctx.http.request(url, { method: 'POST', headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': this.ip }, body: body.toString() });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  /** Logs in through the form; returns where the login sent us (or the page with the error). */
  async login(username: string, password = PASSWORD) {
    const page = await this.get('/admin/login');
    const token = /name="_login" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await this.post('/admin/login', { _login: token, username, password, next: '/admin' }, { csrf: null });
    // Follow the redirects as a browser would (the page carries the CSRF token).
    let next = res.location;
    for (let i = 0; next && i < 3; i++) next = (await this.get(next)).location;
    return res;
  }
}

/** An officer logged in through the real login form, in a fresh browser context (confirm dialogs accepted). */
export async function loggedIn(browser: Browser, base: string, username: string, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'id-ID' });
  const page = await context.newPage();
  // A missing element fails with its line, before the test's timeout; still generous, since a
  // loaded 2-core CI machine can take seconds for a form post and its page (no timing is asserted).
  page.setDefaultTimeout(15_000);
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${base}/admin/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/admin\/(?!login)/);
  return { context, page };
}

/** Screenshots into `dir` at 1280 and 390 px (full page, the top, optionally one part); the page never scrolls sideways nor cuts anything off. */
export async function shots(page: Page, dir: string, name: string, part?: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
    // Nothing cut off at the right edge either (an element wider than the screen inside a clipped box).
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && r.right > window.innerWidth + 1;
        })
        .map((el) => `${el.tagName.toLowerCase()}.${(el as HTMLElement).className}`),
    );
    expect(cut, `${name} at ${width}px: cut off`).toEqual([]);
    await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: true });
    await page.screenshot({ path: path.join(dir, `${name}-${width}-top.png`) });
    if (part) await page.locator(part).screenshot({ path: path.join(dir, `${name}-${width}-part.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
