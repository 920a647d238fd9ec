// A message's time as ISO text, formatted once: the engine passes one Date through the whole
// message, and its step and every statement of its transaction carry that same time.

let lastDate: Date | undefined;
let lastMs = NaN;
let lastIso = '';

/** `date.toISOString()`, remembered for the last Date seen (same object and same time). */
export function isoTime(date: Date): string {
  if (date !== lastDate || date.getTime() !== lastMs) {
    lastIso = date.toISOString();
    lastDate = date;
    lastMs = date.getTime();
  }
  return lastIso;
}
