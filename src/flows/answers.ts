// Typed yes / no / not sure, the way residents write them ("iya", "udah ada", "blm punya",
// "ga tau", "gak perlu"), for any flow that asks a yes-no question. The words are data in
// flows/nlu.yaml (`answers`); src/nlu/answers.ts reads them.
import { answersOf } from '../nlu/index.js';
import type { Nlu } from '../nlu/index.js';

export type TypedAnswer = 'yes' | 'no' | 'unsure' | 'not_needed';

/** The answer a short reply means, or undefined when it is not one. */
export function readAnswer(text: string, nlu?: Nlu): TypedAnswer | undefined {
  return answersOf(nlu).yesNo(text);
}
