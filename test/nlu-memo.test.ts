// The remembered readings must be exactly what a fresh reading gives, bounded, and unchangeable
// (one resident's message must never alter what the next resident's same words mean).
import { describe, expect, it } from 'vitest';
import { memoByText } from '../src/core/memo.js';
import { createNlu } from '../src/nlu/index.js';
import { plain } from '../src/nlu/answers.js';
import { loadContent } from '../src/content/load.js';
import path from 'node:path';

describe('remembered readings of typed text', () => {
  it('works a text out once, and again after the bound empties the map', () => {
    let calls = 0;
    const upper = memoByText((t: string) => {
      calls++;
      return t.toUpperCase();
    }, 2);
    expect(upper('ya')).toBe('YA');
    expect(upper('ya')).toBe('YA');
    expect(calls).toBe(1);
    upper('tidak');
    upper('menu'); // the third distinct text empties the map first
    expect(upper('ya')).toBe('YA');
    expect(calls).toBe(4);
  });

  it('does not keep long texts (a pasted paragraph is rarely sent twice)', () => {
    let calls = 0;
    const f = memoByText((t: string) => {
      calls++;
      return t.length;
    });
    const long = 'syarat '.repeat(40);
    expect(f(long)).toBe(long.length);
    expect(f(long)).toBe(long.length);
    expect(calls).toBe(2);
    f('ya');
    f('ya');
    expect(calls).toBe(3);
  });

  it('remembers undefined results too, and freezes objects it hands out', () => {
    let calls = 0;
    const f = memoByText((t: string) => {
      calls++;
      return t === 'x' ? undefined : { t };
    });
    expect(f('x')).toBeUndefined();
    expect(f('x')).toBeUndefined();
    expect(calls).toBe(1);
    expect(Object.isFrozen(f('y'))).toBe(true);
    expect(() => {
      (f('y') as { t: string }).t = 'changed';
    }).toThrow();
    expect(f('y')).toEqual({ t: 'y' });
  });

  it('the NLU gives the same intents remembered as fresh, for many different texts', () => {
    const content = loadContent(path.resolve('flows'));
    const texts = ['syarat bikin ktp gmn', 'akte lahir', 'halo', 'ya', 'kk hilang', 'booking rekam', 'jam buka', 'asdfgh', 'syarat kk', 'terima kasih'];
    const remembered = createNlu(content);
    const first = texts.map((t) => remembered.classify(t));
    // Many other texts in between (more than the bound) must not change what these mean.
    for (let i = 0; i < 5_000; i++) remembered.classify(`kata ${i}`);
    const again = texts.map((t) => remembered.classify(t));
    const fresh = texts.map((t) => createNlu(content).classify(t));
    expect(again).toEqual(first);
    expect(again).toEqual(fresh);
    expect(first.find((i) => i.kind === 'service')).toBeTruthy();
    expect(plain('Iyaaa  Kak!!')).toBe('iya kak');
  });
});
