// Configuration comes from the environment (and .env). Each feature parses its own
// variables with parseEnv, so a bad value stops start-up with one line naming it.
import path from 'node:path';
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Every variable some schema parsed: start-up warns about unknown ADMIN_/TELEGRAM_/WHATSAPP_… names (typos). */
export const knownVariables = new Set<string>();

/** Values of these are never repeated in an error or a log line. */
export const isSecretName = (name: string) => /TOKEN|SECRET|PASSWORD|KEY|HASH/i.test(name);

/** Parses `env` with `schema`; the first problem becomes one readable line. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  for (const key of Object.keys(schema.shape)) knownVariables.add(key);
  // Empty strings mean "not set" (a blank line in .env must not break a default).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? '?');
  const got = cleaned[name];
  // A secret is never echoed, not even a wrong one: it may be the real token with a typo.
  const shown = got === undefined ? '' : isSecretName(name) ? ` (got ${got.length} characters)` : ` (got "${got}")`;
  throw new ConfigError(`Invalid ${name}: ${issue.message}${shown}`);
}

/** Prefixes of the app's own variables: an unknown name with one of them is almost surely a typo. */
const OWN_PREFIXES = /^(ADMIN|TELEGRAM|WHATSAPP|WEB_CHAT|BOOKING|APPLICATIONS|BACKUP|METRICS|SQLITE|LOW_DISK|WAL)_/;

/** Names in env that look like ours but no feature reads, each with the closest known name. */
export function unknownVariables(env: Record<string, string | undefined>): Array<{ name: string; didYouMean?: string }> {
  const out: Array<{ name: string; didYouMean?: string }> = [];
  for (const name of Object.keys(env)) {
    if (!OWN_PREFIXES.test(name) || knownVariables.has(name)) continue;
    let best: string | undefined;
    let bestScore = Infinity;
    for (const known of knownVariables) {
      const score = distance(name, known);
      if (score < bestScore) [best, bestScore] = [known, score];
    }
    out.push({ name, didYouMean: bestScore <= 3 ? best : undefined });
  }
  return out;
}

/** A token typed into .env: printable, no spaces or quotes (a space would make it impossible to send in a header). */
export const token = (min: number) =>
  z
    .string()
    .min(min, `expected at least ${min} characters`)
    .max(512, 'expected at most 512 characters')
    .regex(/^[A-Za-z0-9._~+/=-]+$/, 'only letters, digits and . _ ~ + / = - are allowed (no spaces or quotes)');

export const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'], { message: 'expected on or off' })
  .transform((v) => ['on', 'true', '1', 'yes'].includes(v));

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone such as Asia/Jakarta' },
);

export const CoreConfig = z.object({
  PORT: z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535, 'expected a port number 0–65535 (0 = any free port)').default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('data'),
  OFFICE_TIMEZONE: timeZone.default('Asia/Jakarta'),
  CONTENT_DIR: z.string().default('flows'),
  OFFICE_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'expected one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  IDLE_MINUTES: z.coerce.number({ message: 'expected minutes' }).int().min(1).max(24 * 60, 'expected 1–1440 minutes').default(30),
  /** Telegram/WhatsApp: small-talk replies wait this long, so a burst of messages gets one answer (0 = off; 1500 recommended, see .env.example). */
  BURST_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(0).max(10_000, 'expected 0–10000 ms').default(1500),
  WEB_CHAT: onOff.default(true),
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL'], { message: 'expected NORMAL or FULL' }).default('NORMAL'),
  SQLITE_CACHE_MB: z.coerce.number({ message: 'expected megabytes' }).min(1).max(1024).default(2),
  /** Officers' API token. No default: without it the admin API is off. */
  ADMIN_TOKEN: token(16).optional(),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (rate limits, /metrics). */
  TRUST_PROXY: onOff.default(false),
  /** Wait for another connection's write lock before retrying off the event loop. */
  SQLITE_BUSY_TIMEOUT_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(0).max(5_000, 'expected 0–5000 ms').default(25),
  /** A WAL larger than this is checkpointed with RESTART/TRUNCATE (writers pause briefly). */
  WAL_MAX_MB: z.coerce.number({ message: 'expected megabytes' }).int().min(1).max(4096).default(64),
  /** Free space below which new bookings stop (and officers are alerted). */
  LOW_DISK_MB: z.coerce.number({ message: 'expected megabytes' }).int().min(0).max(1_000_000).default(200),
  /** Bearer token for /metrics; without it /metrics answers only local requests. */
  METRICS_TOKEN: token(16).optional(),
  /** Folder of the scheduled backups; unset = no scheduled backups. */
  BACKUP_DIR: z.string().optional(),
  BACKUP_KEEP: z.coerce.number({ message: 'expected a number of backups' }).int().min(1).max(1000).default(7),
  BACKUP_EVERY_HOURS: z.coerce.number({ message: 'expected hours' }).min(0.01).max(24 * 30).default(24),
});
export type CoreConfig = z.infer<typeof CoreConfig>;

export interface AppConfig extends CoreConfig {
  dbFile: string;
  officeFile: string;
}

export function loadCoreConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const core = parseEnv(CoreConfig, env);
  return {
    ...core,
    dbFile: path.join(core.DATA_DIR, 'adminduk.db'),
    officeFile: core.OFFICE_FILE ?? path.join(core.CONTENT_DIR, 'office.yaml'),
  };
}
