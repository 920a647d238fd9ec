// libsignal (Baileys' Signal protocol library) writes to the console: whole session objects
// with their key buffers ("Closing session: {…}") and stack traces that name phone numbers
// ("Session error: … 6281…"). None of that may reach stdout unmasked. While WhatsApp runs,
// console calls made from inside libsignal go to our logger instead (masked, at debug; its
// errors at warn), as one short line of text: objects are left out, never serialised.
import type { Logger } from 'pino';

type Method = 'log' | 'info' | 'warn' | 'error' | 'debug';
const METHODS: Method[] = ['log', 'info', 'warn', 'error', 'debug'];

/** Where libsignal lives on disk (its own package, under Baileys' dependencies). */
const FROM_LIBSIGNAL = /[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?libsignal[\\/]/;

function summarise(args: unknown[]): string {
  const parts: string[] = [];
  for (const a of args) {
    if (typeof a === 'string') parts.push(a);
    else if (a instanceof Error) parts.push(`${a.name}: ${a.message}`);
    else if (typeof a === 'number' || typeof a === 'boolean') parts.push(String(a));
    // Session records, key pairs, buffers: never written anywhere.
    else parts.push('[object]');
  }
  // Only the first line: libsignal appends stack traces to its error strings.
  return parts.join(' ').split('\n')[0]!.slice(0, 300);
}

let installed: { restore(): void; users: number } | undefined;

/**
 * Routes libsignal's console output through `log`. Returns the undo function; nested installs
 * share one hook (the last uninstall restores the console).
 */
export function routeLibsignalConsole(log: Logger, target: Console = console): () => void {
  if (installed) {
    installed.users += 1;
  } else {
    const originals = new Map<Method, (...args: unknown[]) => void>();
    for (const m of METHODS) {
      const original = target[m] as (...args: unknown[]) => void;
      originals.set(m, original);
      target[m] = (...args: unknown[]) => {
        // The stack is only looked at when something writes to the console, which our own code never does.
        if (FROM_LIBSIGNAL.test(new Error().stack ?? '')) {
          const line = summarise(args);
          if (m === 'error') log.warn({ module: 'libsignal' }, line);
          else log.debug({ module: 'libsignal' }, line);
          return;
        }
        original.apply(target, args);
      };
    }
    installed = {
      users: 1,
      restore: () => {
        for (const [m, original] of originals) target[m] = original as Console[Method];
      },
    };
  }
  let undone = false;
  return () => {
    if (undone || !installed) return;
    undone = true;
    installed.users -= 1;
    if (installed.users === 0) {
      installed.restore();
      installed = undefined;
    }
  };
}
