// Typed yes / no / not sure, the way residents write them ("iya", "gak", "ga tau"), for any
// flow that asks a yes-no question.

export type TypedAnswer = 'yes' | 'no' | 'unsure' | 'not_needed';

const WORDS: Record<string, TypedAnswer> = {
  ya: 'yes', y: 'yes', iya: 'yes', yes: 'yes', ada: 'yes', punya: 'yes', sudah: 'yes', udah: 'yes', sdh: 'yes', udh: 'yes', ok: 'yes', oke: 'yes',
  benar: 'yes', betul: 'yes', bener: 'yes', 'sudah benar': 'yes', 'ya benar': 'yes', 'ya betul': 'yes', lanjut: 'yes', setuju: 'yes', correct: 'yes', 'ya pesan': 'yes',
  tidak: 'no', tdk: 'no', gak: 'no', ga: 'no', nggak: 'no', enggak: 'no', no: 'no', belum: 'no', blm: 'no', 'tidak ada': 'no', 'gak ada': 'no', 'ga ada': 'no', 'belum ada': 'no', 'belum punya': 'no',
  'belum tahu': 'unsure', 'tidak tahu': 'unsure', 'gak tahu': 'unsure', 'ga tau': 'unsure', 'gak tau': 'unsure', 'nggak tahu': 'unsure', ragu: 'unsure', entah: 'unsure', 'not sure': 'unsure', 'dont know': 'unsure', "don't know": 'unsure',
  'tidak perlu': 'not_needed', 'tidak berlaku': 'not_needed', 'not needed': 'not_needed', 'n/a': 'not_needed',
};

/** The answer a short reply means, or undefined when it is not one. */
export function readAnswer(text: string): TypedAnswer | undefined {
  const words = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'/ ]/gu, ' ')
    .replace(/(\p{L})\1{2,}/gu, '$1') // "iyaaa" → "iya"
    .replace(/\s+/g, ' ')
    .trim();
  return WORDS[words];
}
