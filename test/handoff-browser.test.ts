// End to end: a resident on Telegram (grammY against the local fake Bot API) and one on the web
// chat ask for an officer; officers handle the cases in the dashboard's Kotak masuk in Chromium
// (Debian's, driven by playwright-core); replies, the closing and the rating travel back through
// the outbox to the resident's own chat.
import { type Browser, type Page } from 'playwright-core';
import { hasChromium, launchChromium, warnIfNoChromium } from './chromium.js';
import type { TelegramClient } from 'telegram-test-api/lib/modules/telegramClient.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTelegramFeature } from '../src/channels/telegram/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { dashboardFeature } from '../src/dashboard/feature.js';
import { handoffFeature } from '../src/handoff/feature.js';
import { botMessagesUntil, fakeServerQuirks, startFakeBotApi, type BotMessage } from './telegram-test-server.js';
import { makeTestApp, type TestApp } from './helpers.js';

warnIfNoChromium('officer inbox in Chromium');

const BOT_TOKEN = '987654321:AAFfakeSERVERfakeSERVERfakeSERVER_hf1';
const CHAT = 616161;
const PASSWORD = 'kata-sandi-yang-panjang';
/** Waits for what the officer or resident sees; generous, since the machine may be busy (no timing is asserted). */
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 100 });
/**
 * A web chat button of the newest question, by its whole label (as in browser.test.ts): older ones
 * are disabled, and a `.last()` resolved before a slow answer arrives would wait on an old one.
 */
const choice = (page: Page, label: string) => page.getByRole('button', { name: label, exact: true, disabled: false });

describe.skipIf(!hasChromium)('handoff: Telegram and web chat residents, officers in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let server: Awaited<ReturnType<typeof startFakeBotApi>>['server'];
  let client: TelegramClient;

  beforeAll(async () => {
    ({ server, client } = await startFakeBotApi(BOT_TOKEN, CHAT));
    t = await makeTestApp({
      env: { PORT: '0', HOST: '127.0.0.1', TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: server.config.apiURL + '/', TELEGRAM_CHAT_INTERVAL_MS: '0', HANDOFF_INBOX_REFRESH_SECONDS: '1' },
      features: [handoffFeature, webChatFeature, createTelegramFeature({ transport: [fakeServerQuirks()] }), dashboardFeature],
    });
    base = `http://127.0.0.1:${await t.app.listen()}`;
    for (const username of ['budi', 'sari']) {
      const made = await t.ctx.services.officers.create({ username, role: 'petugas', password: PASSWORD }, 'test');
      if (!made.ok) throw new Error(made.error);
    }
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await server?.stop();
  });

  /** Everything the bot sends to the Telegram resident until `done` is satisfied. */
  const botMessages = (done: (got: BotMessage[]) => boolean) => botMessagesUntil(client, done, 1_000);
  const all = (got: BotMessage[]) => got.map((m) => m.text).join('\n');
  const has = (s: string) => (got: BotMessage[]) => all(got).includes(s);
  async function press(answer: BotMessage[], label: string, until: (got: BotMessage[]) => boolean): Promise<BotMessage[]> {
    const button = [...answer].reverse().find((m) => m.reply_markup)?.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
    if (!button) throw new Error(`no button "${label}" in ${JSON.stringify(answer.map((m) => m.reply_markup))}`);
    await client.sendCallback(client.makeCallbackQuery(button.callback_data, { message: { message_id: 1 } }));
    return botMessages(until);
  }
  async function tell(text: string, until: (got: BotMessage[]) => boolean) {
    await client.sendMessage(client.makeMessage(text));
    return botMessages(until);
  }

  /** At a phone's width (390 px) the page never scrolls sideways. */
  async function fitsAPhone(page: Page, name: string) {
    await page.setViewportSize({ width: 390, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: `/tmp/handoff-${name.replace(/ /g, '-')}-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(overflow, `${name} at 390 px scrolls sideways`).toBeLessThanOrEqual(0);
  }

  async function login(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
    const page = await context.newPage();
    await page.goto(`${base}/admin/login?next=/admin/inbox`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin\/inbox/);
    return page;
  }

  test('ask → officer sees, answers → resident answers → a second officer cannot take it → close → rate; deadlines highlight', async () => {
    // The Telegram resident asks for an officer and writes their question.
    let answer = await tell('/start', (got) => Boolean(got.at(-1)?.reply_markup));
    answer = await press(answer, 'Hubungi petugas', has('Tentang apa?'));
    answer = await press(answer, 'Pertanyaan', has('tulis pesan Anda'));
    answer = await tell('Kapan KTP saya jadi? NIK 1803025504950001', has('kasus #1'));
    expect(all(answer)).toContain('Jawaban paling lambat Selasa, 1 Des 15.30 WIB');
    // Quiet while the case is open.
    await client.sendMessage(client.makeMessage('halo?'));
    // The web chat resident too, in the real chat page (documents, 2 working days).
    const chat = await (await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' })).newPage();
    await chat.goto(base);
    const bot = chat.locator('.msg.bot');
    await poll(() => bot.first().textContent()).toContain('asisten digital');
    await choice(chat, 'Hubungi petugas').click();
    await choice(chat, 'Dokumen saya').click();
    await poll(() => bot.last().textContent()).toContain('tulis pesan Anda');
    const typeInChat = async (text: string) => {
      await chat.fill('#text', text);
      await chat.press('#text', 'Enter');
    };
    await typeInChat('Akta anak saya salah nama');
    await poll(() => bot.last().textContent()).toContain('saya tidak menjawabnya');
    expect(await chat.locator('.msg.bot', { hasText: 'kasus #2' }).count()).toBe(1);

    const budi = await login('budi');
    // The header counts new cases; the list masks numbers until a case is opened.
    await poll(() => budi.locator('[data-nav-count=inbox]').textContent()).toBe('2');
    const row1 = budi.locator('tr[data-case="1"]');
    expect(await row1.textContent()).toContain('Telegram');
    expect(await row1.textContent()).toContain('1803**********01');
    expect(await budi.content()).not.toContain('1803025504950001');
    expect(await budi.locator('tr[data-case="2"]').textContent()).toContain('Web chat');
    await budi.screenshot({ path: '/tmp/handoff-inbox.png', fullPage: true });
    await fitsAPhone(budi, 'inbox list');
    // A new case shows up in the open list by itself (it refreshes every HANDOFF_INBOX_REFRESH_SECONDS).
    const list = await login('sari');
    expect(await list.locator('tr[data-case]').count()).toBe(2);
    await t.say('webresident-0003', 'halo');
    await t.say('webresident-0003', 'hubungi petugas');
    await t.say('webresident-0003', 'Lainnya');
    await t.say('webresident-0003', 'Apakah kantor buka hari Sabtu?');
    await poll(() => list.locator('tr[data-case]').count()).toBe(3);
    expect(await list.locator('#inbox-live').count()).toBe(1);
    expect(await list.locator('[data-count=new]').textContent()).toBe('3');
    await list.context().close();

    await budi.click('tr[data-case="1"] a >> nth=0');
    await poll(() => budi.locator('.thread').first().textContent()).toContain('NIK 1803025504950001');
    expect(await budi.locator('.thread').first().textContent()).toContain('halo?');
    await budi.fill('form[action$="/reply"] textarea[name=text]', 'KTP Anda sudah dicetak. Silakan ambil di loket 2 besok pagi.');
    await budi.click('text=Kirim balasan');
    await poll(() => budi.locator('.flash.ok').textContent()).toContain('Balasan dikirim');
    expect(await budi.locator('[data-assigned]').textContent()).toBe('budi');

    // The reply reaches the resident's Telegram chat, with a button to answer.
    answer = await botMessages(has('Balasan petugas (budi) untuk kasus #1'));
    // Nothing else came in between: the bot did not answer "halo?" itself.
    expect(answer).toHaveLength(1);
    expect(all(answer)).toContain('KTP Anda sudah dicetak');
    expect(answer.at(-1)!.reply_markup!.inline_keyboard.flat().map((b) => b.text)).toEqual(['Balas petugas']);
    await client.sendMessage(client.makeMessage('Terima kasih, saya ambil besok jam 9'));
    await poll(async () => {
      await budi.reload();
      return budi.locator('.thread').first().textContent();
    }).toContain('saya ambil besok jam 9');
    await budi.screenshot({ path: '/tmp/handoff-case.png', fullPage: true });
    await fitsAPhone(budi, 'case page');

    // Sari cannot take or answer Budi's case without reassigning it.
    const sari = await login('sari');
    await sari.goto(`${base}/admin/inbox/1`);
    expect(await sari.locator('.flash.warn').textContent()).toContain('dipegang budi');
    expect(await sari.locator('form[action$="/reply"]').count()).toBe(0);
    expect(await sari.locator('form[action$="/close"]').count()).toBe(0);
    expect(await sari.locator('form[action$="/reassign"]').count()).toBe(1);

    // Budi closes; the resident is asked to rate and does.
    await budi.selectOption('select[name=outcome]', 'dijawab');
    await budi.click('text=Tutup dan minta penilaian warga');
    await poll(() => budi.locator('.flash.ok').textContent()).toContain('Kasus ditutup');
    answer = await botMessages(has('Kasus #1 sudah ditutup oleh petugas: Pertanyaan sudah dijawab'));
    expect(answer).toHaveLength(1);
    answer = await press(answer, 'Sangat puas', has('Ada satu kata'));
    answer = await press(answer, 'Lewati', has('Masukan Anda membantu'));
    // Officers edit the deadlines and the canned replies themselves.
    await budi.goto(`${base}/admin/inbox/settings`);
    await budi.fill('input[name=pertanyaan]', '2');
    await budi.click('text=Simpan target');
    await poll(() => budi.locator('.flash.ok').textContent()).toContain('Target waktu disimpan');
    expect(await budi.inputValue('input[name=pertanyaan]')).toBe('2');
    expect(t.ctx.services.handoff!.service.deadlines().find((d) => d.topic === 'pertanyaan')!.workingDays).toBe(2);
    const addForm = budi.locator('form[action$="/settings/canned"]');
    await addForm.locator('input[name=title]').fill('Jam pengambilan');
    await addForm.locator('textarea[name=text]').fill('Dokumen bisa diambil Senin–Jumat pukul 08.00–14.00.');
    await addForm.locator('button').click();
    await poll(() => budi.locator('.flash.ok').textContent()).toContain('Balasan ditambahkan');
    expect(t.ctx.services.handoff!.service.canned({ name: 'budi', role: 'petugas' }).map((c) => c.title)).toContain('Jam pengambilan');
    // The closed list shows the residents' ratings.
    await budi.goto(`${base}/admin/inbox?status=closed`);
    expect(await budi.locator('[data-satisfaction]').textContent()).toContain('Rata-rata 5/5 dari 1 jawaban');
    // The bot answers again.
    answer = await tell('jam buka', has('07.30'));
    expect(t.ctx.services.handoff!.service.satisfaction(new Date(0), new Date('2100-01-01')).byScore[5]).toBe(1);

    // Deadlines: on Wednesday 16:00 WIB the web resident's case (due Wednesday 15:30) is overdue.
    t.clock.set('2026-12-02T09:00:00.000Z');
    const later = await login('sari');
    const row2 = later.locator('tr[data-case="2"]');
    expect(await row2.getAttribute('class')).toContain('overdue');
    expect(await row2.textContent()).toContain('Lewat target');
    // (case #3, "lainnya", also has 2 working days)
    expect(await later.locator('[data-count=overdue]').textContent()).toBe('2');
    await later.screenshot({ path: '/tmp/handoff-overdue.png', fullPage: true });
    // Take the next case: the overdue one.
    await later.click('text=Ambil kasus berikutnya');
    await later.waitForURL(/\/admin\/inbox\/2/);
    expect(await later.locator('[data-assigned]').textContent()).toBe('sari');

    // Sari answers the web chat resident with a canned reply; it shows in the open chat page.
    await later.click('summary:has-text("Minta foto dokumen")');
    // Counted before sending: the open page may show the reply before the officer's page reloads.
    const botCount = await bot.count();
    await later.click('details[open] button:has-text("Kirim ini")');
    await poll(() => later.locator('.flash.ok').textContent()).toContain('Balasan dikirim');
    await poll(() => bot.last().textContent()).toContain('Balasan petugas (sari) untuk kasus #2');
    expect(await bot.count()).toBe(botCount + 1);
    // Two days later the resident is still in the case: the answer goes to the officer, the bot stays quiet.
    await typeInChat('Baik, ini saya kirim nanti sore');
    await poll(async () => {
      await later.reload();
      return later.locator('.thread').first().textContent();
    }).toContain('saya kirim nanti sore');
    expect(await bot.count()).toBe(botCount + 1);
    await later.selectOption('select[name=outcome]', 'datang_kantor');
    await later.click('text=Tutup dan minta penilaian warga');
    await poll(() => bot.last().textContent()).toContain('Kasus #2 sudah ditutup oleh petugas: Perlu datang ke kantor');
    await choice(chat, 'Puas').click();
    await poll(() => bot.last().textContent()).toContain('Ada satu kata');
    await typeInChat('Cukup cepat');
    await poll(() => chat.locator('.msg.bot', { hasText: 'Masukan Anda membantu' }).count()).toBe(1);
    await chat.screenshot({ path: '/tmp/handoff-webchat.png', fullPage: true });
    const sat = t.ctx.services.handoff!.service.satisfaction(new Date(0), new Date('2100-01-01'));
    expect(sat).toMatchObject({ answers: 2, average: 4.5 });
    expect(sat.words.map((w) => w.word)).toEqual(['Cukup cepat']);
    // The statistics page shows them too.
    await later.goto(`${base}/admin/stats?from=2026-11-30&to=2026-12-02`);
    expect(await later.locator('[data-satisfaction]').textContent()).toContain('Rata-rata 4.5/5 dari 2 jawaban');
  }, 90_000);
});
