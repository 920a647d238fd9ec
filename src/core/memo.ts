// A pure function of a string worked out once per string. Residents type the same few answers
// again and again ("ya", "1", "menu", "udah ada"), one message is read several times in a step
// (as an option, as yes/no, as an intent), and a flow's choice ids repeat. Bounded: the map is
// emptied when full.

/** Longer texts are rarely typed twice: they are worked out each time, so the map stays small (4,096 × 200 chars at most). */
const LONGEST_REMEMBERED = 200;

/** `fn` remembered for up to `limit` distinct strings; results are frozen (shared, never mutated). */
export function memoByText<R>(fn: (text: string) => R, limit = 4_096): (text: string) => R {
  const seen = new Map<string, R>();
  return (text) => {
    if (text.length > LONGEST_REMEMBERED) return fn(text);
    let result = seen.get(text);
    if (result === undefined && !seen.has(text)) {
      result = fn(text);
      if (result !== null && typeof result === 'object') Object.freeze(result);
      if (seen.size >= limit) seen.clear();
      seen.set(text, result);
    }
    return result as R;
  };
}
