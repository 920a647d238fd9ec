// Typed requirement checklists, as residents write on WhatsApp (no buttons): what they read when
// they name the document in an answer, answer a conditional document, ask for the full list,
// name the case at a list, or say where a move goes. Reproduced from an exploratory test.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, textOf, choicesOf, testNik, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => {
  await t.close();
});

let n = 0;
/** A new resident says each line in turn; the replies to each. */
async function chat(lines: string[]): Promise<Array<Awaited<ReturnType<TestApp['say']>>>> {
  const addr = `resident-typed-${++n}`;
  const all = [];
  for (const line of lines) all.push(await t.say(addr, line));
  return all;
}
const last = <T>(all: T[]): T => all.at(-1)!;

describe('naming the document in an answer answers it (P1)', () => {
  const kkLost = ['kk saya hilang', '1', 'ada'];

  test.each(['ktp nya ada', 'ktp ada', 'ktp sudah ada', 'ktpnya udh ada kak', 'KTP-el saya ada'])('"%s" at "KTP-el kepala keluarga…?" completes the KK-hilang checklist', async (typed) => {
    const all = await chat([...kkLost, typed]);
    expect(textOf(all[2]!)).toContain('(2/2)');
    expect(textOf(last(all))).toContain('Lengkap!');
    expect(textOf(last(all))).not.toContain('Pilih layanan');
  });

  test.each(['fotokopi kk ada', 'kk udah difotokopi', 'fc kk nya sudah'])('"%s" at "Fotokopi Kartu Keluarga (KK)?" goes on to (2/2)', async (typed) => {
    const all = await chat(['ktp baru', '1', typed]);
    expect(textOf(last(all))).toContain('(2/2)');
  });

  test('"ktp saya hilang" at the parents\' KTP-el question is a "no": the checklist goes on to (5/5)', async () => {
    const all = await chat(['akte lahir', '1', 'ada', 'ada', 'ada', 'ktp saya hilang']);
    expect(textOf(last(all))).toContain('(5/5)');
    expect(textOf(last(all))).not.toContain('KTP-el hilang atau rusak');
  });

  test('"ktp nya ada tapi patah": there, but to make sure of; not a new KTP-el request', async () => {
    const all = await chat([...kkLost, 'ktp nya ada tapi patah']);
    const result = textOf(last(all));
    expect(result).toContain('Perlu dipastikan');
    expect(result).toContain('KTP-el kepala keluarga atau pemohon');
    expect(result).not.toContain('Pilih layanan');
  });

  test('a question about the current document ("fotokopi kk nya hitam putih boleh?") keeps the question, with an officer to ask', async () => {
    const all = await chat(['ktp baru', '1', 'kalau fotokopi kk nya hitam putih boleh?']);
    const reply = last(all);
    expect(textOf(reply)).toContain('belum bisa saya jawab');
    expect(textOf(reply)).toContain('(1/2)');
    expect(choicesOf(reply)).toEqual(['Ya, ada', 'Tidak ada', 'Belum tahu', 'Hubungi petugas']);
    // …and the checklist still takes its answer.
    const next = await t.say(`resident-typed-${n}`, 'ada');
    expect(textOf(next)).toContain('(2/2)');
  });
});

describe('a "no" to a document needed only in some cases (P5)', () => {
  test('"tidak" to the marriage book ("jika … sudah menikah") is not "Yang masih kurang": listed as only if it applies', async () => {
    const all = await chat(['ktp baru', '1', 'ada', 'tidak']);
    const result = textOf(last(all));
    expect(result).not.toContain('Yang masih kurang');
    expect(result).toContain('Dokumen untuk KTP-el baru sudah lengkap');
    expect(result).toContain('Hanya jika berlaku untuk Anda (belum ada):\n• Fotokopi buku nikah / akta perkawinan — jika belum 17 tahun tetapi sudah menikah:');
    // With the case known (KK hilang), a "no" to that case's document is missing.
    const lost = await chat(['kk saya hilang', '1', 'tidak', 'ada']);
    expect(textOf(last(lost))).toContain('Yang masih kurang:\n• Surat keterangan kehilangan dari polisi');
    expect(textOf(last(lost))).not.toContain('Hanya jika berlaku');
  });

  test('"gak ada" to the foundling police report sits apart from a document really missing', async () => {
    const all = await chat(['akte lahir', '1', 'tidak', 'ada', 'ada', 'tidak perlu', 'gak ada']);
    const result = textOf(last(all));
    const [missing, ifApplies] = result.split('Hanya jika berlaku untuk Anda');
    expect(missing).toContain('Yang masih kurang:\n• Fotokopi surat keterangan lahir');
    expect(missing).not.toContain('Berita acara dari kepolisian');
    expect(ifApplies).toContain('Berita acara dari kepolisian');
  });
});

describe('"lihat semua syarat" with a service open sends that service\'s full list (P8)', () => {
  test.each([
    ['mid-checklist', ['akte lahir', '1', 'ada', 'lihat semua syarat'], '(2/5) Apakah Anda sudah punya'],
    ['at the summary', ['akte lahir', 'syarat lengkap'], 'Selanjutnya?'],
    ['at the result', ['ktp baru', '1', 'ada', 'ada', 'syaratnya apa aja'], 'Selanjutnya?'],
  ])('%s', async (_where, lines, then) => {
    const reply = last(await chat(lines));
    const text = textOf(reply);
    expect(text).toContain(lines[0] === 'akte lahir' ? 'Akta kelahiran' : 'KTP-el baru');
    expect(text).toContain('Pesan ini bisa Anda simpan atau teruskan ke keluarga.');
    expect(text).toContain(then);
    expect(text).not.toContain('Dokumen apa yang ingin Anda urus?');
  });

  test('the checklist goes on after the list', async () => {
    const all = await chat(['akte lahir', '1', 'ada', 'lihat semua syarat', 'ada']);
    expect(textOf(last(all))).toContain('(3/5)');
  });
});

describe('the case typed at a list or at "hilang atau rusak?" is kept (P11)', () => {
  test('"kk" → "hilang" → "cek": the checklist starts with the police report, not "hilang atau rusak?" again', async () => {
    const all = await chat(['kk', 'hilang', 'cek']);
    expect(textOf(all[1]!)).toContain('KK hilang atau rusak');
    expect(textOf(last(all))).not.toContain('hilang atau rusak?');
    expect(textOf(last(all))).toContain('(1/2) Apakah Anda sudah punya:\nSurat keterangan kehilangan dari polisi?');
    // The service's label typed at the list ("KK hilang/rusak") names no one case: still asked.
    const label = await chat(['kk', 'KK hilang/rusak', 'cek']);
    expect(textOf(last(label))).toContain('KK hilang/rusak: dokumennya hilang atau rusak?');
  });

  test('"ktp" → "kebakaran" → "1": the damaged card is asked for', async () => {
    const all = await chat(['ktp', 'kebakaran', '1']);
    expect(textOf(last(all))).toContain('(1/2) Apakah Anda sudah punya:\nKTP-el yang rusak?');
  });

  test.each(['basah', 'kena banjir', 'kebakaran'])('"%s" at "hilang atau rusak?" means rusak', async (typed) => {
    const all = await chat(['kk', '2', '1', typed]);
    expect(textOf(all[2]!)).toContain('hilang atau rusak?');
    expect(textOf(last(all))).toContain('(1/2) Apakah Anda sudah punya:\nKK yang rusak?');
  });

  test('"kk basah kena banjir" → "1": no case question', async () => {
    const all = await chat(['kk basah kena banjir', '1']);
    expect(textOf(last(all))).toContain('KK yang rusak?');
  });

  test('"dua duanya" asks both cases\' documents, without their conditions', async () => {
    const all = await chat(['kk', '2', '1', 'dua duanya']);
    expect(textOf(last(all))).toContain('(1/3) Apakah Anda sudah punya:\nSurat keterangan kehilangan dari polisi?');
    const next = await t.say(`resident-typed-${n}`, 'ada');
    expect(textOf(next)).toContain('(2/3) Apakah Anda sudah punya:\nKK yang rusak?');
    expect(choicesOf(next)).not.toContain('Tidak perlu');
  });
});

describe('"pindah dari X ke Y" goes by the places named (P2)', () => {
  test.each([
    ['pindah dari kotabumi ke jakarta', 'Surat pindah keluar daerah (SKPWNI)'],
    ['pindah dari lampung utara ke bandar lampung', 'Surat pindah keluar daerah (SKPWNI)'],
    ['pindah dari kotabumi ke abung selatan', 'Pindah alamat di dalam Lampung Utara'],
  ])('"%s" → %s', async (typed, service) => {
    const [first] = await chat([typed]);
    expect(textOf(first!)).toContain(service);
    expect(textOf(first!)).not.toContain('Pindah datang ke Lampung Utara');
  });

  test.each([
    ['mau pindah ke bandar lampung', 'Surat pindah keluar daerah (SKPWNI)'],
    ['pindah ke metro bulan depan', 'Surat pindah keluar daerah (SKPWNI)'],
    ['pindah dari kotabumi ke metro', 'Surat pindah keluar daerah (SKPWNI)'],
    ['pindahan dari jakarta', 'Pindah datang ke Lampung Utara'],
    ['pindah antar kecamatan', 'Pindah alamat di dalam Lampung Utara'],
  ])('"%s" as a first message → %s', async (typed, service) => {
    const [first] = await chat([typed]);
    expect(textOf(first!)).toContain(service);
    expect(textOf(first!)).not.toContain('Pilih layanan');
  });

  test('typed at the category list, at the moving list or at a move\'s summary, the places choose too', async () => {
    expect(textOf(last(await chat(['syarat', 'pindah ke metro'])))).toContain('Surat pindah keluar daerah (SKPWNI)');
    expect(textOf(last(await chat(['pindah', 'ke bandar lampung'])))).toContain('Surat pindah keluar daerah (SKPWNI)');
    expect(textOf(last(await chat(['pindah', 'dari jakarta ke kotabumi'])))).toContain('Pindah datang ke Lampung Utara');
    expect(textOf(last(await chat(['pindah datang', 'eh bukan, pindah ke metro'])))).toContain('Surat pindah keluar daerah (SKPWNI)');
  });

  test('a place here on one side only: one short question between the two ways it leaves', async () => {
    const [toHere] = await chat(['pindah ke kotabumi']);
    expect(textOf(toHere!)).toContain('Anda pindah dari luar Lampung Utara, atau dari tempat lain di dalam Lampung Utara? Pilih:');
    expect(choicesOf(toHere!)).toEqual(['Pindah dalam Lampung Utara', 'Pindah datang', 'Layanan lain']);
    expect(textOf(await t.say(`resident-typed-${n}`, 'dari jakarta'))).toContain('Pindah datang ke Lampung Utara');
    const [fromHere] = await chat(['mau pindah dari kotabumi']);
    expect(textOf(fromHere!)).toContain('Pindahnya ke luar Lampung Utara, atau masih di dalam Lampung Utara? Pilih:');
    expect(choicesOf(fromHere!)).toEqual(['Pindah dalam Lampung Utara', 'Pindah keluar daerah', 'Layanan lain']);
    // No place said ("ke alamat baru"): the words decide as before.
    expect(textOf((await chat(['pindah kk ke alamat baru']))[0]!)).toContain('Pindah alamat di dalam Lampung Utara');
  });

  test('neither place in Lampung Utara: the resident is asked which way', async () => {
    const [first] = await chat(['pindah dari bandung ke jakarta']);
    expect(textOf(first!)).toContain('Pindah keluar dari Lampung Utara, datang ke Lampung Utara, atau di dalam Lampung Utara?');
    expect(choicesOf(first!)).toEqual(['Pindah dalam Lampung Utara', 'Pindah datang', 'Pindah keluar daerah', 'Layanan lain']);
    expect(textOf(first!)).not.toContain('Pindah datang ke Lampung Utara');
  });
});

describe('a lost birth certificate is not given the new-birth list (P14)', () => {
  test('"akta kelahiran hilang": ask an officer, without the first-registration list', async () => {
    const [first] = await chat(['akta kelahiran hilang']);
    expect(textOf(first!)).toContain('Akta kelahiran yang hilang atau rusak: syaratnya berbeda dengan pengurusan baru');
    expect(textOf(first!)).not.toContain('Laporkan kelahiran paling lambat 60 hari');
    expect(choicesOf(first!)).toEqual(['Hubungi petugas', 'Layanan lain', 'Menu utama']);
    // A lost KK still has its own service and list.
    const [kk] = await chat(['kk saya hilang']);
    expect(textOf(kk!)).toContain('KK hilang atau rusak');
  });
});

describe('a photocopy is not the original (review 1)', () => {
  test.each(['fotokopinya ada', 'ada fotokopinya', 'fc nya ada'])('"%s" at the police letter (an original) is "to make sure of", not a yes', async (typed) => {
    const all = await chat(['kk saya hilang', '1', typed, 'ada']);
    expect(textOf(all[2]!)).toContain('(2/2)');
    const result = textOf(last(all));
    expect(result).not.toContain('Lengkap!');
    expect(result).toContain('Perlu dipastikan');
    expect(result).toContain('Surat keterangan kehilangan dari polisi');
  });

  test('"fotokopinya ada" at "Fotokopi Kartu Keluarga (KK)?" (a copy) still answers yes', async () => {
    const all = await chat(['ktp baru', '1', 'fotokopinya ada']);
    expect(textOf(last(all))).toContain('(2/2)');
  });
});

describe('"tidak perlu" is for documents that may not apply (review 2)', () => {
  test('KK hilang → the police letter → typed "tidak perlu" is not taken as done', async () => {
    const all = await chat(['kk saya hilang', '1', 'tidak perlu']);
    expect(choicesOf(all[1]!)).not.toContain('Tidak perlu');
    const reply = textOf(last(all));
    expect(reply).toContain('(1/2)');
    expect(reply).not.toContain('(2/2)');
  });
});

describe('a loss word names a lost document only right after the service\'s words (review 3)', () => {
  test('"mau urus akta kematian, keluarga kami kehilangan ayah" gets the death-certificate summary', async () => {
    const [first] = await chat(['mau urus akta kematian, keluarga kami kehilangan ayah']);
    expect(textOf(first!)).not.toContain('yang hilang atau rusak');
    expect(textOf(first!)).toContain('Akta kematian');
    expect(textOf(first!)).toContain('Laporkan kematian paling lambat 30 hari');
  });

  test.each(['akta kelahiran hilang', 'akta kelahiran saya hilang', 'saya kehilangan akta kelahiran'])('"%s" still asks an officer', async (typed) => {
    const [first] = await chat([typed]);
    expect(textOf(first!)).toContain('Akta kelahiran yang hilang atau rusak: syaratnya berbeda dengan pengurusan baru');
  });
});

describe('"ktp nya rusak" at a checklist question is a "no" (review 4)', () => {
  test.each(['ktp nya rusak', 'ktp sobek', 'ktpnya kena air'])('"%s" at "KTP-el kepala keluarga…?" is missing', async (typed) => {
    const all = await chat(['kk saya hilang', '1', 'ada', typed]);
    const result = textOf(last(all));
    expect(result).not.toContain('belum bisa saya jawab');
    expect(result).toContain('Yang masih kurang:\n• KTP-el kepala keluarga atau pemohon');
  });

  test('"kk nya basah" at "Fotokopi Kartu Keluarga (KK)?" is a "no"', async () => {
    const all = await chat(['ktp baru', '1', 'kk nya basah']);
    expect(textOf(last(all))).not.toContain('belum bisa saya jawab');
    expect(textOf(last(all))).toContain('(2/2)');
  });
});

describe('the unsure list says how to get a document as the others do (review 5)', () => {
  test('"belum tahu" to the KK copy: made from the original', async () => {
    const all = await chat(['ktp baru', '1', 'belum tahu', 'ada']);
    const [, unsure] = textOf(last(all)).split('Perlu dipastikan');
    expect(unsure).toContain('• Fotokopi Kartu Keluarga (KK): buat fotokopi dari aslinya di tempat fotokopi mana saja.');
  });
});

describe('another document named at a checklist question is noted there, the question stays', () => {
  test('"kk udah ada tp ktp blm" at the statement of care: the KK answer is corrected, the KTP-el is said not to be needed', async () => {
    const all = await chat(['syarat surat pindah', '1', 'tidak', 'kk udah ada tp ktp blm']);
    const reply = textOf(last(all));
    expect(reply).toContain('Baik, saya catat:\n• Fotokopi Kartu Keluarga (KK): sudah ada');
    expect(reply).toContain('KTP-el tidak termasuk syarat Surat pindah keluar daerah (SKPWNI), jadi tidak perlu disiapkan.');
    // The question asked was not answered by it.
    expect(reply).toContain('(2/2) Apakah Anda sudah punya:\nSurat pernyataan bersedia menampung/mengasuh');
    const result = textOf(await t.say(`resident-typed-${n}`, 'tidak perlu'));
    expect(result).toContain('Lengkap!');
    expect(result).not.toContain('Yang masih kurang');
  });

  test('"kk sama ktp udah ada" at the first KIA question: both are ticked and not asked again', async () => {
    const all = await chat(['kia anak sd', '1', 'kk sama ktp udah ada']);
    const reply = textOf(last(all));
    expect(reply).toContain('• KK orang tua atau wali: sudah ada\n• KTP-el ayah dan ibu (atau wali): sudah ada');
    expect(reply).toContain('(1/4) Apakah Anda sudah punya:\nFotokopi akta kelahiran anak');
    const next = await t.say(`resident-typed-${n}`, 'ada');
    expect(textOf(next)).toContain('(4/4) Apakah Anda sudah punya:\nPas foto');
    const result = textOf(await t.say(`resident-typed-${n}`, 'blm'));
    expect(result).toContain('Yang masih kurang:\n• Pas foto');
    expect(result).not.toContain('KK orang tua');
  });

  test('"akta kelahiran ada" at the KK question corrects the birth certificate answered "tidak" before', async () => {
    const all = await chat(['kia anak sd', '1', 'tidak', 'akta kelahiran ada']);
    expect(textOf(last(all))).toContain('• Fotokopi akta kelahiran anak: sudah ada');
    expect(textOf(last(all))).toContain('(2/4)');
    const result = textOf(last(await chat(['kia anak sd', '1', 'tidak', 'akta kelahiran ada', 'ada', 'ada', 'ada'])));
    expect(result).toContain('Lengkap!');
  });

  test('"kk ada" at the RT/RW letter of a resident with no NIK: KK is not needed; the letter is still asked', async () => {
    const all = await chat(['belum punya nik', '1', 'kk ada']);
    const reply = textOf(last(all));
    expect(reply).toContain('KK tidak termasuk syarat Pendaftaran biodata (belum punya NIK)');
    expect(reply).not.toContain('Baik, saya catat');
    expect(reply).toContain('(1/3) Apakah Anda sudah punya:\nSurat pengantar RT/RW');
    expect(reply).not.toContain('Tinggalkan dulu');
  });

  test('"akta kelahiran ada" at the RT/RW letter ticks the event document (its condition lists akta); at the certified copy, the document to certify', async () => {
    const all = await chat(['belum punya nik', '1', 'akta kelahiran ada']);
    expect(textOf(last(all))).toContain('• Fotokopi dokumen peristiwa atau ijazah: sudah ada');
    expect(textOf(last(all))).toContain('(1/3)');
    const legal = last(await chat(['legalisir', '1', 'ada', 'akta kelahiran ada']));
    expect(textOf(legal)).not.toContain('tidak termasuk syarat');
    expect(textOf(legal)).toContain('(2/3)');
  });

  test('"ktp blm ada" during the new KTP-el checklist: the card is what is being applied for', async () => {
    const all = await chat(['ktp baru', '1', 'ktp blm ada']);
    expect(textOf(last(all))).toContain('KTP-el adalah dokumen yang sedang Anda urus');
    expect(textOf(last(all))).toContain('(1/2)');
  });

  test('"udah ada kk" ("kak") answers the question asked; a request naming a document still asks before leaving', async () => {
    const all = await chat(['ktp baru', '1', 'udah ada kk']);
    expect(textOf(last(all))).toContain('(2/2)');
    expect(textOf(last(all))).not.toContain('Baik, saya catat');
    for (const typed of ['ktp hilang', 'syarat akta kelahiran apa']) {
      const ask = last(await chat(['pindah keluar', '1', 'ada', typed]));
      expect(textOf(ask)).toContain('Cek kelengkapan dokumen Anda belum selesai');
    }
  });
});

describe('all there but the documents named (exploration 1)', () => {
  test('"ada semua kecuali kk sama buku nikah": both are missing, not only the one named with more words', async () => {
    const result = textOf(last(await chat(['akte lahir', '1', 'ada semua kecuali kk sama buku nikah'])));
    const [missing] = result.split('Formulir diisi');
    expect(missing).toContain('• Fotokopi buku nikah / akta perkawinan orang tua:');
    expect(missing).toContain('• Fotokopi Kartu Keluarga (KK):');
    expect(missing).not.toContain('surat keterangan lahir');
  });

  test.each(['yang belum cuma kk', 'tinggal kk yg belum', 'kurang kk doang'])('"%s": only the KK is missing, and the checklist does not ask to leave', async (typed) => {
    const result = textOf(last(await chat(['akte lahir', '1', typed])));
    expect(result).toContain('Yang masih kurang:\n• Fotokopi Kartu Keluarga (KK):');
    expect(result).not.toContain('buku nikah');
    expect(result).not.toContain('Tinggalkan dulu');
  });
});

describe('"balik" at a checklist question goes one question back (exploration 2)', () => {
  test('"balik" at (2/3) asks (1/3) again, whose new answer counts; at the first question, the summary\'s options', async () => {
    const all = await chat(['kk baru', '1', 'ada', 'balik']);
    expect(textOf(last(all))).toContain('Baik, kembali ke pertanyaan sebelumnya.\n(1/3) Apakah Anda sudah punya:\nFotokopi buku nikah');
    expect(textOf(last(all))).not.toContain('Tinggalkan dulu');
    await t.say(`resident-typed-${n}`, 'tidak');
    await t.say(`resident-typed-${n}`, 'ada');
    const result = textOf(await t.say(`resident-typed-${n}`, 'tidak perlu'));
    expect(result).toContain('Yang masih kurang:\n• Fotokopi buku nikah');
    const first = last(await chat(['kk baru', '1', 'kembali']));
    expect(textOf(first)).toBe('Selanjutnya?');
    expect(choicesOf(first)).toContain('Cek kelengkapan');
  });
});

test('the document\'s name alone ("surat lahir") at its question asks nothing: the yes/no hint and the question, no "cannot answer that here"', async () => {
  const reply = textOf(last(await chat(['akte lahir', '1', 'surat lahir'])));
  expect(reply).not.toContain('belum bisa saya jawab');
  expect(reply).toContain('Jawab saja ya, tidak, atau belum tahu');
  expect(reply).toContain('(1/5)');
});

test('a document noted before its turn stays noted through "balik" at the first question and the checklist begun again', async () => {
  const all = await chat(['kk baru', '1', 'kk lama udah ada', 'balik', 'cek kelengkapan', 'ada']);
  expect(textOf(all[2]!)).toContain('KK lama (KK orang tua tempat masing-masing terdaftar): sudah ada');
  // The KK is not asked again: after the marriage book comes the third question.
  expect(textOf(last(all))).toContain('(3/3)');
});

describe('"kalau akta hilang gimana" while on the birth certificate is answered there (exploration 3)', () => {
  test('mid-checklist: the lost-certificate answer, the same question with an officer to ask; the checklist goes on', async () => {
    const all = await chat(['akte lahir', '1', 'kalau akta hilang gimana']);
    const reply = last(all);
    expect(textOf(reply)).toContain('Akta kelahiran yang hilang atau rusak: syaratnya berbeda dengan pengurusan baru');
    expect(textOf(reply)).toContain('(1/5)');
    expect(textOf(reply)).not.toContain('Tinggalkan dulu');
    expect(choicesOf(reply)).toContain('Hubungi petugas');
    expect(textOf(await t.say(`resident-typed-${n}`, 'ada'))).toContain('(2/5)');
  });

  test('at the summary: the lost-certificate answer, not the list of every akta service', async () => {
    const reply = last(await chat(['akte lahir', 'kalau aktanya hilang gmn']));
    expect(textOf(reply)).toContain('Akta kelahiran yang hilang atau rusak');
    expect(choicesOf(reply)).toEqual(['Hubungi petugas', 'Layanan lain', 'Menu utama']);
  });
});

describe('"fotokopi aja", "yg asli hilang" (exploration 4)', () => {
  // The birth-certificate copy is handed in with its original shown (kind show_original): a copy
  // only is to make sure of there too (it was a yes before 1 December's night round).
  test('at the KIA checklist: a copy only is to make sure of at the birth-certificate copy (its original is shown) and at the KK original; a lost original is missing', async () => {
    const all = await chat(['kia anak sd', '1', 'fotokopi aja', 'cuma fotokopi', 'yg asli hilang', 'ada']);
    expect(textOf(all[2]!)).toContain('(2/4)');
    expect(textOf(all[3]!)).toContain('(3/4)');
    expect(textOf(all[4]!)).toContain('(4/4)');
    const result = textOf(last(all));
    expect(result).toContain('Yang masih kurang:\n• KTP-el ayah dan ibu (atau wali)');
    expect(result).toContain('Perlu dipastikan:\n• Fotokopi akta kelahiran anak: aslinya juga wajib ditunjukkan di loket');
    expect(result).toContain('• KK orang tua atau wali');
  });

  test('"yg asli hilang" at the KK copy of the birth certificate: the copy is missing', async () => {
    const all = await chat(['akte lahir', '1', 'ada', 'ada', 'yg asli hilang', 'tidak perlu', 'tidak perlu']);
    expect(textOf(all[4]!)).toContain('(4/5)');
    expect(textOf(last(all))).toContain('Yang masih kurang:\n• Fotokopi Kartu Keluarga (KK)');
  });
});

describe('"besok", "lagi diurus": not there yet (exploration 5)', () => {
  test.each(['besok', 'nanti', 'lagi diurus', 'masih proses', 'besok baru ada'])('"%s" at "Fotokopi Kartu Keluarga (KK)?" is missing, with how to get it', async (typed) => {
    const all = await chat(['ktp baru', '1', typed, 'tidak perlu']);
    expect(textOf(all[2]!)).toContain('(2/2)');
    expect(textOf(last(all))).toContain('Yang masih kurang:\n• Fotokopi Kartu Keluarga (KK)');
  });
});

describe('an urgent reason typed where the urgent booking is offered', () => {
  test('"untuk bpjs" at the KTP-el baru summary books with BPJS chosen: the NIK is asked next, and the booking\'s summary says BPJS', async () => {
    const all = await chat(['mau rekam ktp', 'untuk bpjs']);
    expect(textOf(all[0]!)).toContain('KTP-el baru (perekaman pertama)');
    const reply = textOf(last(all));
    expect(reply).toContain('Keperluan: BPJS / JKN.');
    expect(reply).toContain('Bukti yang perlu dibawa: Surat atau formulir dari BPJS Kesehatan');
    expect(reply).toContain('Ketik NIK (16 angka)');
    expect(reply).not.toContain('belum mengerti');
    expect(reply).not.toContain('Apa keperluan mendesak Anda?');
    for (const typed of [testNik(1), 'Siti Aminah', 'besok']) await t.say(`resident-typed-${n}`, typed);
    expect(textOf(await t.say(`resident-typed-${n}`, 'jam 9'))).toContain('Nama: Siti Aminah\nKeperluan: BPJS / JKN\n');
  });

  test.each([
    ['mau rekam ktp untuk bpjs', 'Keperluan: BPJS / JKN.'],
    ['rekam ktp darurat buat rumah sakit', 'Keperluan: Rumah sakit / rujukan medis.'],
  ])('"%s" as one message: the booking, with that reason', async (typed, reason) => {
    const reply = textOf(last(await chat([typed])));
    expect(reply).toContain('Booking perekaman KTP-el darurat');
    expect(reply).toContain(reason);
    expect(reply).toContain('Ketik NIK (16 angka)');
    expect(reply).not.toContain('Dokumen yang dibawa');
  });

  test('the KTP-el baru requirements stay reachable: a button under the NIK question, "mau rekam ktp" alone, or asked for with the reason', async () => {
    const [booking] = await chat(['mau rekam ktp untuk bpjs']);
    expect(choicesOf(booking!)).toEqual(['Syarat KTP-el baru']);
    const shown = textOf(await t.say(`resident-typed-${n}`, 'Syarat KTP-el baru'));
    expect(shown).toContain('Dokumen yang dibawa:\n1. Fotokopi Kartu Keluarga (KK)');
    // The booking begun is kept, not dropped.
    expect(shown).toContain('Ketik lanjut untuk kembali');
    expect(textOf(await t.say(`resident-typed-${n}`, 'lanjut'))).toContain('Ketik NIK');
    expect(textOf(last(await chat(['syarat rekam ktp untuk bpjs apa aja'])))).toContain('Dokumen yang dibawa:\n1. Fotokopi Kartu Keluarga (KK)');
  });

  test('at the checklist result too; two reasons named ask between just those; another service\'s summary is not a booking', async () => {
    const result = last(await chat(['ktp baru', '1', 'ada', 'ada']));
    expect(choicesOf(result)).toContain('Booking rekam (darurat)');
    expect(textOf(await t.say(`resident-typed-${n}`, 'buat berobat ke rs'))).toContain('Keperluan: Rumah sakit / rujukan medis.');
    const both = last(await chat(['ktp baru', 'berobat pakai bpjs']));
    expect(textOf(both)).toContain('Maksud Anda yang mana?');
    expect(choicesOf(both)).toEqual(['BPJS / JKN', 'Rumah sakit / rujukan medis', 'Syarat KTP-el baru']);
    expect(textOf(last(await chat(['kk hilang', 'untuk bpjs'])))).not.toContain('Booking perekaman');
    // A longer message with a reason word in it but no "untuk"/"buat" is not taken as the reason.
    expect(textOf(last(await chat(['ktp baru', 'saya masih sekolah, umur 16 boleh?'])))).not.toContain('Booking perekaman');
  });
});

describe('"kk, udah" at another document\'s question: "kak" or the family card', () => {
  test.each(['kk, udah', 'kk udah'])('"%s" at the birth letter of a checklist with a KK: asked which is meant, nothing ticked unasked', async (typed) => {
    const all = await chat(['akte lahir', '1', typed]);
    const ask = last(all);
    expect(textOf(ask)).toBe('Maaf, maksud Anda yang mana?');
    expect(textOf(ask)).not.toContain('Baik, saya catat');
    expect(choicesOf(ask)).toEqual(['Fotokopi Kartu Keluarga (KK): sudah ada', 'Fotokopi surat keterangan lahir: sudah ada']);
  });

  test('the KK meant: noted, the birth letter still asked, the KK not asked again', async () => {
    const all = await chat(['akte lahir', '1', 'kk, udah', '1']);
    expect(textOf(last(all))).toContain('Baik, saya catat:\n• Fotokopi Kartu Keluarga (KK): sudah ada\n(1/5) Apakah Anda sudah punya:\nFotokopi surat keterangan lahir');
    await t.say(`resident-typed-${n}`, 'ada');
    expect(textOf(await t.say(`resident-typed-${n}`, 'ada'))).toContain('(4/5)');
  });

  test('"kak" meant: the birth letter is answered, and the KK is still asked in its turn', async () => {
    const all = await chat(['akte lahir', '1', 'kk udah', 'Fotokopi surat keterangan lahir: sudah ada']);
    expect(textOf(last(all))).toContain('(2/5)');
    expect(textOf(await t.say(`resident-typed-${n}`, 'ada'))).toContain('(3/5) Apakah Anda sudah punya:\nFotokopi Kartu Keluarga (KK)?');
  });

  test('without a KK in the checklist, "kk, ada" is "kak, ada": the question asked is answered', async () => {
    const reply = textOf(last(await chat(['belum punya nik', '1', 'kk, ada'])));
    expect(reply).toContain('(2/3)');
    expect(reply).not.toContain('KK tidak termasuk syarat');
    // At the KK's own question both readings agree.
    expect(textOf(last(await chat(['ktp baru', '1', 'kk, udah'])))).toContain('(2/2)');
  });
});

describe('"belum semua" at a checklist question marks nothing: one by one from there', () => {
  test.each(['belum semua', 'ga semua ada', 'belum lengkap kak', 'ada yang belum', 'baru sebagian'])('"%s"', async (typed) => {
    const all = await chat(['akte lahir', '1', 'ada', typed]);
    expect(textOf(last(all))).toBe('Baik, kita cek satu per satu.\n(2/5) Apakah Anda sudah punya:\nFotokopi buku nikah / akta perkawinan orang tua?');
    for (const answer of ['ada', 'ada', 'tidak perlu']) await t.say(`resident-typed-${n}`, answer);
    const result = textOf(await t.say(`resident-typed-${n}`, 'tidak perlu'));
    expect(result).toContain('Lengkap! Dokumen untuk Akta kelahiran sudah siap semua');
    expect(result).not.toContain('Yang masih kurang');
  });
});

describe('"terus?" after a summary or a result: the next step for that service', () => {
  test.each(['terus?', 'terus gimana', 'lalu?', 'habis itu?', 'langkah selanjutnya apa kak'])('"%s" at the KK-hilang summary: get the documents ready, bring them, or apply online; then the same options', async (typed) => {
    const reply = last(await chat(['kk hilang', typed]));
    const text = textOf(reply);
    expect(text).toContain('Langkah berikutnya:\n1. Siapkan dokumen di atas');
    expect(text).toContain('2. Bawa dokumen ke Disdukcapil Kabupaten Lampung Utara');
    expect(text).toContain('Pengajuan daring (online)');
    expect(text).not.toContain('belum mengerti');
    expect(choicesOf(reply)).toEqual(['Cek kelengkapan', 'Kirim daftar lengkap', 'Layanan lain', 'Menu utama']);
  });

  test('at the KTP-el baru result: come in person (recording), or book if urgent; with a document missing, that first', async () => {
    const done = textOf(last(await chat(['ktp baru', '1', 'ada', 'tidak perlu', 'terus gimana'])));
    expect(done).toContain('Langkah berikutnya:\nDatang sendiri dengan dokumennya ke Disdukcapil Kabupaten Lampung Utara');
    expect(done).toContain('Pilih Booking rekam (darurat).');
    expect(done).not.toContain('Pengajuan daring');
    const missing = textOf(last(await chat(['ktp baru', '1', 'tidak', 'tidak perlu', 'lalu?'])));
    expect(missing).toContain('Langkah berikutnya:\n1. Lengkapi atau pastikan dulu dokumen yang disebut di atas.\n2. Datang sendiri');
  });
});

describe('either/or documents and who issued them: the part naming a document of the checklist is read', () => {
  test.each(['akta kelahiran bayi belum, surat lahir ada', 'surat lahir ada, akta belum'])('"%s" at "surat keterangan lahir atau akta kelahiran": one of them is there, so it is', async (typed) => {
    const all = await chat(['tambah anak kk', '1', 'ada', typed]);
    expect(textOf(last(all))).toContain('(3/4)');
    await t.say(`resident-typed-${n}`, 'tidak perlu');
    const result = textOf(await t.say(`resident-typed-${n}`, 'tidak perlu'));
    expect(result).toContain('Lengkap!');
    expect(result).not.toContain('surat keterangan lahir atau akta kelahiran');
  });

  test('"surat kematian dari rs ada": who issued it does not stop the answer', async () => {
    expect(textOf(last(await chat(['akta kematian', '1', 'surat kematian dari rs ada'])))).toContain('(2/3) Apakah Anda sudah punya:\nFotokopi KK dan KTP-el almarhum?');
    expect(textOf(last(await chat(['kk kurang anggota', '1', 'ada', 'akta kematian belum, surat kematian dari rumah sakit udah ada'])))).toContain('(3/3)');
  });

  test('a document of two people is not either/or: "ktp ayah ada, ktp ibu belum" is still missing', async () => {
    const result = textOf(last(await chat(['kia anak sd', '1', 'ada', 'ada', 'ktp ayah ada, ktp ibu belum', 'ada'])));
    expect(result).toContain('Yang masih kurang:\n• KTP-el ayah dan ibu (atau wali)');
  });
});

describe('the child\'s age typed: the KIA for that age, and whether a birth report is late', () => {
  test.each([
    ['anak saya umur 3 tahun', 'Kartu Identitas Anak (KIA) untuk anak di bawah 5 tahun'],
    ['anaknya 7 tahun', 'Kartu Identitas Anak (KIA) untuk anak 5 sampai 17 tahun'],
    ['baru 8 bulan', 'Kartu Identitas Anak (KIA) untuk anak di bawah 5 tahun'],
  ])('"%s" at the KIA list → %s', async (typed, service) => {
    const all = await chat(['kia', typed]);
    expect(choicesOf(all[0]!)).toEqual(['KIA anak di bawah 5 tahun', 'KIA anak 5–17 tahun', 'Layanan lain']);
    expect(textOf(last(all))).toContain(service);
    expect(textOf(last(all))).not.toContain('belum mengerti');
  });

  test('at the other KIA\'s summary, or in one message, the age leads to the right one', async () => {
    const moved = textOf(last(await chat(['kia bayi', 'anaknya 7 tahun'])));
    expect(moved).toContain('Untuk anak umur 7 tahun, layanannya KIA anak 5–17 tahun:\nKartu Identitas Anak (KIA) untuk anak 5 sampai 17 tahun');
    expect(textOf(last(await chat(['kia anak saya 3 tahun'])))).toContain('Kartu Identitas Anak (KIA) untuk anak di bawah 5 tahun');
  });

  test('at the birth certificate\'s summary: over 60 days is a late report, still possible without a court order; under, report soon', async () => {
    const late = textOf(last(await chat(['akte lahir', 'anak saya umur 3 tahun'])));
    expect(late).toContain('Umur 3 tahun: sudah lewat 60 hari setelah lahir, jadi termasuk terlambat lapor.\nTetap bisa diurus, juga bila lebih dari 1 tahun, tanpa putusan pengadilan.');
    expect(late).toContain('Selanjutnya?');
    const soon = textOf(last(await chat(['akte lahir', 'baru 3 minggu'])));
    expect(soon).toContain('Umur 3 minggu: masih dalam batas 60 hari setelah lahir.');
    expect(soon).not.toContain('terlambat lapor');
    const once = textOf(last(await chat(['akta lahir anak saya umur 3 tahun'])));
    expect(once).toContain('Akta kelahiran\n\nSiapa yang bisa mengajukan');
    expect(once).toContain('Umur 3 tahun: sudah lewat 60 hari setelah lahir');
  });
});

describe('"semua belum ada", "semuanya sudah ada": one answer for every document left', () => {
  const AKTA = ['akte lahir', '1', 'ada'];
  test.each(['semua belum ada', 'semuanya belum ada kak', 'semua ga ada'])('"%s" at the second question: the result at once, each document left missing (the conditional ones apart)', async (typed) => {
    const result = textOf(last(await chat([...AKTA, typed])));
    expect(result).toContain('Yang masih kurang:\n• Fotokopi buku nikah / akta perkawinan orang tua');
    expect(result).toContain('• Fotokopi Kartu Keluarga (KK)');
    expect(result).toContain('Hanya jika berlaku untuk Anda (belum ada):\n• Fotokopi KTP-el orang tua');
    expect(result).not.toContain('• Fotokopi surat keterangan lahir');
    expect(result).not.toContain('(3/5)');
  });

  test('a document answered before its turn keeps that answer', async () => {
    const all = await chat([...AKTA, 'kartu keluarga udah ada', 'semua belum ada']);
    expect(textOf(all[3]!)).toContain('Fotokopi Kartu Keluarga (KK): sudah ada');
    const result = textOf(last(all));
    expect(result).toContain('• Fotokopi buku nikah / akta perkawinan orang tua');
    expect(result).not.toContain('• Fotokopi Kartu Keluarga (KK)');
  });

  test.each(['semuanya sudah ada', 'udah lengkap semua'])('"%s" at the first question: complete at once', async (typed) => {
    expect(textOf(last(await chat(['kk hilang', '1', typed])))).toContain('Lengkap! Dokumen untuk KK hilang/rusak sudah siap semua');
  });

  test('"belum ada semua" (not all there yet) marks nothing: one by one from there', async () => {
    expect(textOf(last(await chat([...AKTA, 'belum ada semua'])))).toContain('Baik, kita cek satu per satu.\n(2/5)');
  });

  test.each(['semua belum ada', 'semuanya sudah ada'])('"%s" at the KK list, before any checklist: choose the service first, then the check (not "belum mengerti")', async (typed) => {
    const reply = last(await chat(['syarat kk', typed]));
    expect(textOf(reply)).toBe('Pilih dulu layanannya, lalu Cek kelengkapan: saya tanyakan dokumennya satu per satu dan saya tunjukkan yang masih kurang.\nPilih layanan:');
    expect(choicesOf(reply)).toContain('KK hilang/rusak');
  });

  test('"semua belum ada" at a summary points to the check, with the same options', async () => {
    const reply = last(await chat(['kk hilang', 'semua belum ada']));
    expect(textOf(reply)).toBe('Pilih Cek kelengkapan: saya tanyakan dokumennya satu per satu dan saya tunjukkan yang masih kurang.\nSelanjutnya?');
    expect(choicesOf(reply)).toEqual(['Cek kelengkapan', 'Kirim daftar lengkap', 'Layanan lain', 'Menu utama']);
  });
});

describe('"juga" at a checklist question', () => {
  const AKTA = ['akte lahir', '1'];
  test.each(['juga', 'ini juga kak', 'buku nikah juga'])('"%s" after a yes: yes to this document too', async (typed) => {
    expect(textOf(last(await chat([...AKTA, 'ya', typed])))).toContain('(3/5) Apakah Anda sudah punya:\nFotokopi Kartu Keluarga (KK)?');
  });

  test('"ini juga" after a no: this one is missing too', async () => {
    const result = textOf(last(await chat([...AKTA, 'tidak ada', 'ini juga', 'ada', 'tidak perlu', 'tidak perlu'])));
    expect(result).toContain('Yang masih kurang:\n• Fotokopi surat keterangan lahir');
    expect(result).toContain('• Fotokopi buku nikah / akta perkawinan orang tua');
    expect(result).not.toContain('• Fotokopi Kartu Keluarga (KK)');
  });

  test.each(['kk juga', 'ktp juga', 'fotokopi kk juga kak'])('"%s" at the marriage book\'s question answers nothing (nor asks to leave): the same question, one at a time', async (typed) => {
    const reply = last(await chat([...AKTA, 'ya', typed]));
    expect(textOf(reply)).toBe('Satu per satu ya. Yang saya tanyakan sekarang:\n(2/5) Apakah Anda sudah punya:\nFotokopi buku nikah / akta perkawinan orang tua?');
    expect(choicesOf(reply)).toEqual(['Ya, ada', 'Tidak ada', 'Belum tahu']);
  });

  test('"kk juga" at the KK question is a yes to it; "ktp juga udah" there notes the KTP-el and keeps the KK question', async () => {
    expect(textOf(last(await chat([...AKTA, 'ya', 'ya', 'kk juga'])))).toContain('(4/5)');
    const noted = textOf(last(await chat([...AKTA, 'ya', 'ya', 'ktp juga udah'])));
    expect(noted).toContain('Fotokopi KTP-el orang tua atau pelapor: sudah ada');
    expect(noted).toContain('(3/5)');
  });

  test('"juga" at the first question (no answer before it) answers nothing; "syarat kk juga" is still a new request', async () => {
    expect(textOf(last(await chat([...AKTA, 'juga'])))).toContain('(1/5)');
    expect(textOf(last(await chat([...AKTA, 'ya', 'syarat kk juga'])))).toContain('Tinggalkan dulu');
  });
});

describe('services typed in other words (exploration 6: kematian, KIA, pindah, KK, KTP)', () => {
  test.each(['ktp alamatnya salah', 'alamat di ktp salah'])('"%s" is the KTP-el data change, not the office address', async (typed) => {
    const [first] = await chat([typed]);
    expect(textOf(first!)).toContain('KTP-el karena perubahan data');
    expect(textOf(first!)).not.toContain('Jam layanan');
  });

  test.each(['bayi baru lahir mau dimasukin kk', 'anak baru lahir mau dimasukan ke kk'])('"%s" is adding a member to the KK, not the birth certificate', async (typed) => {
    const [first] = await chat([typed]);
    expect(textOf(first!)).toContain('Tambah anggota KK (bayi lahir atau menumpang)');
    expect(textOf(first!)).not.toContain('Akta kelahiran\n');
  });

  test('"masih lampura" keeps a move inside Lampung Utara; "masih di kotabumi" with a place elsewhere is moving out', async () => {
    const [within] = await chat(['pindah ke desa sebelah masih lampura']);
    expect(textOf(within!)).toContain('Pindah alamat di dalam Lampung Utara');
    expect(textOf(within!)).not.toContain('Pindah datang ke Lampung Utara');
    const [out] = await chat(['saya masih di kotabumi, mau pindah ke metro']);
    expect(textOf(out!)).toContain('Surat pindah keluar daerah (SKPWNI)');
  });
});

describe('a copy handed in with its original shown ("Fotokopi surat keterangan lahir (tunjukkan aslinya)")', () => {
  // akta kelahiran: 1 surat lahir (copy, original shown), 2 buku nikah, 3 KK, 4 KTP-el (if asked), 5 police report (if found).
  test.each(['cuma fotokopi', 'fotokopi aja', 'fotokopinya doang'])('"%s": to make sure of, with the original to be shown too; not "Lengkap"', async (typed) => {
    const result = textOf(last(await chat(['akte lahir', '1', typed, 'ada', 'ada', 'tidak perlu', 'tidak perlu'])));
    expect(result).not.toContain('Lengkap!');
    expect(result).toContain('Perlu dipastikan:\n• Fotokopi surat keterangan lahir: aslinya juga wajib ditunjukkan di loket, jadi bawa keduanya.');
  });

  test.each(['fotokopi sama aslinya ada', 'fotokopi dan aslinya ada', 'dua duanya ada', 'ada'])('"%s": a yes, the checklist goes on and ends complete', async (typed) => {
    const all = await chat(['akte lahir', '1', typed, 'ada', 'ada', 'tidak perlu', 'tidak perlu']);
    expect(textOf(all[2]!)).toContain('(2/5)');
    expect(textOf(last(all))).toContain('Lengkap!');
  });
});

describe('a KIA asked for a child past its ages', () => {
  test.each([
    ['bikin kia anak umur 17'],
    ['kia anak 18 tahun'],
  ])('"%s": said that at that age it is the KTP-el, with the KTP-el baru requirements', async (typed) => {
    const reply = last(await chat([typed]));
    expect(textOf(reply)).toMatch(/Di umur 1[78]( tahun)?, anak tidak lagi memakai KIA anak 5–17 tahun, tetapi KTP-el baru:/);
    expect(textOf(reply)).toContain('KTP-el baru (perekaman pertama)');
  });

  test('the age typed at the KIA list or at the KIA 5–17 summary: the same', async () => {
    expect(textOf(last(await chat(['kia', 'anak saya umur 17 tahun'])))).toContain('tetapi KTP-el baru:');
    expect(textOf(last(await chat(['kia anak 10 tahun', 'umurnya 17'])))).toContain('tetapi KTP-el baru:');
    // An age inside the ages still picks the KIA.
    expect(textOf(last(await chat(['kia', 'anak saya umur 16 tahun'])))).toContain('Kartu Identitas Anak (KIA) untuk anak 5 sampai 17 tahun');
  });
});
