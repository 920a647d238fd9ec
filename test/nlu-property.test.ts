// Property: at every node of a half-finished booking, no typed input leaves the booking
// unless the resident asked to leave (menu, batal, "ga jadi", 0, the "Menu utama" option). A new request
// is answered with "leave it?" first; everything else keeps the booking where it was.
import fs from 'node:fs';
import YAML from 'yaml';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { answersOf } from '../src/nlu/index.js';
import { saysNeverMind } from '../src/booking/flow.js';
import { splitChoiceId } from '../src/flows/step.js';
import { harness, SETUPS, type Harness } from './nlu-turns.helpers.js';

const BOOKING_NODES = ['reason', 'nik', 'name', 'date', 'session', 'confirm'];
const UNIVERSAL = new Set(['menu', '0', '/start', '/menu', 'start', 'mulai', 'menu utama', 'main menu', 'batal', '/batal', 'cancel', '/cancel', 'stop', 'keluar']);

/** Deterministic pseudo-random strings: letters, digits, spaces, punctuation, emoji. */
function randomTexts(n: number, seed = 7): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz   0123456789.,!?-/:*_👍🙏ÀéSTOP';
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * 24) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
}

function corpus(): string[] {
  const turns = fs.readFileSync('test/nlu-turns.test.ts', 'utf8');
  const typed = [...turns.matchAll(/\['\w+', (['"])(.*?)\1, '/g)].map((m) => m[2]!);
  const vocab = YAML.parse(fs.readFileSync('flows/nlu.yaml', 'utf8')) as { intents: Record<string, string[]>; answers: Record<string, unknown> };
  const intents = Object.values(vocab.intents).flat();
  const answers = ['yes', 'no', 'unsure', 'not_needed'].flatMap((k) => vocab.answers[k] as string[]);
  const extra = ['', '   ', '?', '99', '1803', '1803021204950001 1803021204950002', 'x'.repeat(2000), 'syarat kk hilang', 'bayar ga?', 'jam buka', 'booking', 'booking saya', 'cek status', 'hubungi petugas', 'halo', 'makasih', 'selamat pagi', 'pagi', 'siang', 'ok', 'siap', 'oke lanjut', 'bantuan', 'bahasa', 'english', 'lanjut'];
  const numbers = Array.from({ length: 12 }, (_, i) => String(i + 1));
  return [...new Set([...typed, ...intents, ...answers, ...extra, ...numbers, ...randomTexts(300)])];
}

let h: Harness;
beforeAll(async () => {
  h = await harness(BOOKING_NODES.filter((n) => SETUPS[n]));
}, 60_000);
afterAll(async () => h?.close());

test('no typed input leaves a half-finished booking without the resident asking to leave', () => {
  const texts = corpus();
  expect(texts.length).toBeGreaterThan(800);
  const leaks: string[] = [];
  let checked = 0;
  for (const node of BOOKING_NODES) {
    for (const text of texts) {
      const { before, after } = h.run(node, { type: 'text', text });
      checked++;
      const s = after.state;
      if (s.flow === 'booking' || s.leave) continue;
      const word = text.trim().toLowerCase().replace(/[.!,\s]+$/g, '');
      if (UNIVERSAL.has(word)) continue;
      // "ga jadi", "gak jadi deh": said to stop the booking (not at the summary, where it is a "no").
      if (node !== 'confirm' && saysNeverMind(text)) continue;
      // The number or label of the "Menu utama" option is the resident asking for the menu.
      const n = /^\d{1,2}$/.test(word) ? Number(word) : undefined;
      const picked = n !== undefined ? before.choices[n - 1] : (() => {
        const o = answersOf(h.t.ctx.nlu).option(text, before.labels ?? []);
        return o && 'index' in o ? before.choices[o.index] : undefined;
      })();
      if (picked && splitChoiceId(picked).id.startsWith('m:')) continue;
      leaks.push(`${node}: ${JSON.stringify(text.slice(0, 60))} → ${s.flow}/${s.node}`);
    }
  }
  console.log(`Property checked on ${checked} (node, input) pairs; leaks: ${leaks.length}`);
  expect(leaks).toEqual([]);
});
