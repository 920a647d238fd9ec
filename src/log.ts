// One JSON line per event (pino). Every string that reaches the log passes the masker,
// so a NIK or phone number typed by a resident can never be logged in full.
import { pino, type Logger } from 'pino';
import { maskDigitsInText } from './privacy/mask.js';

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskDigitsInText(value);
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e7) return maskDigitsInText(String(value));
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: maskDigitsInText(value.message), stack: value.stack && maskDigitsInText(value.stack) };
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'adminduk-chat' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (obj) => maskDeep(obj) as Record<string, unknown> },
      hooks: {
        // Messages ("msg") are masked too, not only the object fields.
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskDigitsInText(a) : a)) as Parameters<typeof method>;
          return method.apply(this, masked);
        },
      },
    },
    destination,
  );
}

export type { Logger };
