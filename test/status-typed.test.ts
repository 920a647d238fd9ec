// Tracking numbers as residents type them: said with "cek status", after "no." or "No:", with
// "ya" after it, with a phone keyboard's dashes, with the check digits along, or corrected at
// the 4-digit question.
import { afterEach, describe, expect, test } from 'vitest';
import type { Reply } from '../src/core/types.js';
import { choicesOf, makeTestApp, textOf, type TestApp } from './helpers.js';

const ADMIN_TOKEN = 'test-admin-token-status-typed';
const NIK = '1803025504950001';
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(): Promise<TestApp> {
  const app = await makeTestApp({ env: { ADMIN_TOKEN } });
  await app.app.startFeatures();
  const res = await app.ctx.http.request('/api/admin/applications', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ trackingNo: 'LU-261130-ABCDE', service: 'ktp_el_hilang_rusak', applicantName: 'Siti Aminah', nik: NIK, officer: 'budi' }),
  });
  expect(res.status).toBe(201);
  t = app;
  return app;
}

describe('tracking numbers as typed', () => {
  test('"cek status LU261130ABCDE" as the first message: asked for the 4 digits of that number straight away', async () => {
    const app = await start();
    const r = await app.say('s1', 'cek status LU261130ABCDE');
    expect(textOf(r)).toContain('Nomor LU-261130-ABCDE.');
    expect(textOf(await app.say('s1', '0001'))).toContain('Permohonan LU-261130-ABCDE');
  });

  test.each(['no. LU-261130-ABCDE', 'No: LU-261130-ABCDE', 'LU-261130-ABCDE ya', 'LU–261130–ABCDE', 'LU—261130—ABCDE', 'nomor permohonan: lu 261130 abcde'])(
    '"%s" at the number question reads LU-261130-ABCDE',
    async (said) => {
      const app = await start();
      await app.say('s2', 'cek status');
      expect(textOf(await app.say('s2', said))).toContain('Nomor LU-261130-ABCDE.');
    },
  );

  test.each(['LU-261130-ABCDE, 0001', 'LU-261130-ABCDE 0001', 'cek status LU-261130-ABCDE nik 0001'])('"%s": the number and its check digits together show the status', async (said) => {
    const app = await start();
    await app.say('s3', 'cek status');
    const r = await app.say('s3', said);
    expect(textOf(r)).toContain('Permohonan LU-261130-ABCDE');
    expect(textOf(r)).not.toContain('LU-261130-ABCDE-0001');
  });

  test('at the 4-digit question, the number typed again (corrected) is the one asked about', async () => {
    const app = await start();
    await app.say('s4', 'cek status');
    expect(textOf(await app.say('s4', 'LU-261130-ABCDX'))).toContain('Nomor LU-261130-ABCDX.');
    expect(textOf(await app.say('s4', 'LU-261130-ABCDE'))).toContain('Nomor LU-261130-ABCDE.');
    expect(textOf(await app.say('s4', '0001'))).toContain('Permohonan LU-261130-ABCDE');
  });

  test.each(['LU-261130-ABCDE', 'status LU-261130-ABCDE', 'lu 261130 abcde'])('"%s" alone, as a first message or at the menu, asks for the 4 digits of that number', async (said) => {
    const app = await start();
    expect(textOf(await app.say('s5', said))).toContain('Nomor LU-261130-ABCDE.');
    await app.say('s6', 'menu');
    expect(textOf(await app.say('s6', said))).toContain('Nomor LU-261130-ABCDE.');
    expect(textOf(await app.say('s6', '0001'))).toContain('Permohonan LU-261130-ABCDE');
  });

  test('after a wrong check, 4 digits typed next are the check again for the same number', async () => {
    const app = await start();
    await app.say('s7', 'cek status');
    await app.say('s7', 'LU-261130-ABCDE');
    expect(textOf(await app.say('s7', '1234'))).toContain('tidak kami temukan');
    expect(textOf(await app.say('s7', '0001'))).toContain('Permohonan LU-261130-ABCDE');
  });

  test('"status KTP saya sudah 2 minggu": a sentence with a digit is not a tracking number; the number is asked for', async () => {
    const app = await start();
    const r = textOf(await app.say('s8', 'status KTP saya sudah 2 minggu'));
    expect(r).not.toContain('STATUS-KTP');
    expect(r).toContain('ketik nomor permohonan');
  });

  test('at the 4-digit question, a mistyped "12345" is a wrong check, not a new number', async () => {
    const app = await start();
    await app.say('s9', 'cek status');
    await app.say('s9', 'LU-261130-ABCDE');
    const r = textOf(await app.say('s9', '12345'));
    expect(r).not.toContain('Nomor 12345');
    expect(r).toContain('4 angka saja');
    expect(textOf(await app.say('s9', '0001'))).toContain('Permohonan LU-261130-ABCDE');
  });

  test('"diminta pak 150000 mahal": letters, six digits and five letters without a real date are not a tracking number', async () => {
    const app = await start();
    expect(textOf(await app.say('s10', 'diminta pak 150000 mahal'))).not.toContain('PAK-150000-MAHAL');
    await app.say('s11', 'cek status');
    await app.say('s11', 'LU-261130-ABCDE');
    expect(textOf(await app.say('s11', 'cek status diminta pak 150000 mahal'))).not.toContain('PAK-150000-MAHAL');
  });

  test.each(['gatau nomornya', 'nomor permohonan di mana ya', 'lupa', 'bukti permohonan saya hilang', 'ga punya nomor kak', 'ga inget nomornya', 'belum dapat nomor', 'lupa kak'])(
    '"%s" at the number question: told where the number is, offered the followed list and an officer, still asked for it',
    async (said) => {
      const app = await start();
      await app.say('s12', 'cek status');
      const r = await app.say('s12', said);
      expect(textOf(r)).toContain('bukti permohonan (tanda terima)');
      expect(choicesOf(r)).toEqual(['Permohonan yang saya ikuti', 'Hubungi petugas', 'Menu utama']);
      // Still at the question: the number typed next is read.
      expect(textOf(await app.say('s12', 'LU-261130-ABCDE'))).toContain('Nomor LU-261130-ABCDE.');
    },
  );

  test('"ktp saya hilang" at the number question is a new question (no number word), not "no number"', async () => {
    const app = await start();
    await app.say('s13', 'cek status');
    const r = textOf(await app.say('s13', 'ktp saya hilang'));
    expect(r).not.toContain('tanda terima');
    expect(r).toContain('KTP-el hilang atau rusak');
  });

  test('"lupa nik nya" at the 4-digit question: told where the NIK is, asked again, and the digits next are read', async () => {
    const app = await start();
    await app.say('s14', 'cek status');
    await app.say('s14', 'LU-261130-ABCDE');
    const r = textOf(await app.say('s14', 'lupa nik nya'));
    expect(r).toContain('KTP-el atau Kartu Keluarga');
    expect(r).toContain('ketik 4 angka terakhir NIK');
    expect(textOf(await app.say('s14', '0001'))).toContain('Permohonan LU-261130-ABCDE');
  });

  test('"kapan jadinya" and "berapa lama lagi" under a result are about that application (its status, its service\'s time), not a new lookup', async () => {
    const app = await start();
    await app.say('s15', 'cek status LU-261130-ABCDE');
    await app.say('s15', '0001');
    const when = await app.say('s15', 'kapan jadinya');
    expect(textOf(when)).toContain('Permohonan LU-261130-ABCDE sekarang: Diterima.');
    expect(textOf(when)).toContain('Lama proses:');
    expect(textOf(when)).not.toContain('ketik nomor permohonan');
    expect(choicesOf(when)).toContain('Ikuti permohonan ini');
    const long = textOf(await app.say('s15', 'berapa lama lagi'));
    expect(long).toContain('KTP-el hilang/rusak:');
    expect(long).not.toContain('ketik nomor permohonan');
    // Still under the result: following it works from here.
    expect(textOf(await app.say('s15', 'ikuti permohonan ini'))).toContain('mengikuti permohonan LU-261130-ABCDE');
  });
});

describe('an English resident typing', () => {
  test('"the last 4 digits are 0001" at the 4-digit question shows the status ("last" is not "lost")', async () => {
    const app = await start();
    await app.say('en1', 'english');
    await app.say('en1', 'application status');
    await app.say('en1', 'LU-261130-ABCDE');
    expect(textOf(await app.say('en1', 'the last 4 digits are 0001'))).toContain('Application LU-261130-ABCDE');
  });

  test('"i don\'t know the number" at the number question says where the number is', async () => {
    const app = await start();
    await app.say('en2', 'english');
    await app.say('en2', 'application status');
    const r = await app.say('en2', "i don't know the number");
    expect(textOf(r)).toContain('The application number is on the receipt');
    expect(textOf(r)).not.toContain('Sorry, I did not understand');
  });
});

/** The id of the button labelled `label` in these replies. */
const choicesIdOf = (replies: Reply[], label: string) => replies.flatMap((r) => r.choices ?? []).find((c) => c.label === label)!.id;

describe('the answer to "Mau kami kabari …?" typed', () => {
  const follows = (app: TestApp, address: string) =>
    app.ctx.db.prepare('SELECT COUNT(*) FROM application_subscriptions s JOIN residents r ON r.id = s.resident_id WHERE r.address = ? AND s.active = 1').pluck().get(address) as number;
  async function shown(app: TestApp, who: string) {
    await app.say(who, 'cek status');
    await app.say(who, 'LU-261130-ABCDE');
    expect(textOf(await app.say(who, '0001'))).toContain('Mau kami kabari di chat ini');
  }

  test.each(['ya kabari saya', 'iya boleh', 'kabarin ya'])('"%s" follows the application shown', async (said) => {
    const app = await start();
    await shown(app, 'fy');
    const r = await app.say('fy', said);
    expect(textOf(r)).toContain('chat ini mengikuti permohonan LU-261130-ABCDE');
    expect(choicesOf(r)).toContain('Berhenti mengikuti');
    expect(follows(app, 'fy')).toBe(1);
  });

  test.each(['ga usah', 'tidak', 'tidak usah dikabari'])('"%s" is a polite no: nothing followed, the follow button stays', async (said) => {
    const app = await start();
    await shown(app, 'fn');
    const r = await app.say('fn', said);
    expect(textOf(r)).toContain('Baik, tidak kami kabari');
    expect(textOf(r)).not.toContain('belum mengerti');
    expect(choicesOf(r)).toContain('Ikuti permohonan ini');
    expect(follows(app, 'fn')).toBe(0);
  });

  test('a bare "ok" under the result thanks for it: nothing is followed', async () => {
    const app = await start();
    await shown(app, 'fo');
    expect(textOf(await app.say('fo', 'ok'))).not.toContain('mengikuti permohonan');
    expect(follows(app, 'fo')).toBe(0);
  });

  test('"ga usah" once following changes nothing (stopping is "Berhenti mengikuti")', async () => {
    const app = await start();
    await shown(app, 'fs');
    await app.say('fs', 'ya kabari saya');
    await app.say('fs', 'ga usah');
    expect(follows(app, 'fs')).toBe(1);
  });

  test.each(['stop notif', 'jangan kirim lagi kak', 'berhenti notifikasi'])('"%s" after a notification shows what the chat follows, with its stop button; nothing is stopped unasked', async (said) => {
    const app = await start();
    await shown(app, 'fx');
    await app.say('fx', 'ya kabari saya');
    const res = await app.ctx.http.request('/api/admin/applications/LU-261130-ABCDE/status', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'diverifikasi', officer: 'budi' }),
    });
    expect(res.status).toBe(200);
    expect(textOf(await app.poll('fx'))).toContain('Kabar permohonan LU-261130-ABCDE');
    const r = await app.say('fx', said);
    expect(textOf(r)).toContain('Permohonan yang diikuti chat ini');
    expect(textOf(r)).not.toContain('belum mengerti');
    expect(choicesOf(r)).toContain('Berhenti ikuti LU-261130-ABCDE');
    expect(follows(app, 'fx')).toBe(1);
    expect(textOf(await app.say('fx', { choice: choicesIdOf(r, 'Berhenti ikuti LU-261130-ABCDE') }))).toContain('tidak lagi mengikuti permohonan LU-261130-ABCDE');
    expect(follows(app, 'fx')).toBe(0);
  });

  test('"kapan jadi?" and "apa yang kurang?" under the result after a "Perlu perbaikan" notification: where it stands now, with the officer\'s note', async () => {
    const app = await start();
    await shown(app, 'fp');
    await app.say('fp', 'ya kabari saya');
    const res = await app.ctx.http.request('/api/admin/applications/LU-261130-ABCDE/status', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'perlu_perbaikan', note: 'Surat kehilangan dari polisi belum dilampirkan', officer: 'budi' }),
    });
    expect(res.status).toBe(200);
    expect(textOf(await app.poll('fp'))).toContain('Status sekarang: Perlu perbaikan');
    for (const said of ['kapan jadi?', 'apa yang kurang?']) {
      const r = textOf(await app.say('fp', said));
      expect(r).toContain('LU-261130-ABCDE sekarang: Perlu perbaikan');
      expect(r).toContain('Catatan petugas: Surat kehilangan dari polisi belum dilampirkan');
      expect(r).not.toContain('Diterima');
      expect(r).not.toContain('belum mengerti');
    }
    // Nothing was checked again: no wrong-check counted.
    expect(app.ctx.db.prepare('SELECT COUNT(*) FROM status_check_failures').pluck().get()).toBe(0);
  });
});
