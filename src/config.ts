// Configuration comes from the environment (and .env). Each feature parses its own
// variables with parseEnv, so a bad value stops start-up with one line naming it.
import path from 'node:path';
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `env` with `schema`; the first problem becomes one readable line. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  // Empty strings mean "not set" (a blank line in .env must not break a default).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? '?');
  const got = cleaned[name];
  // A secret is never echoed (it would land in a terminal, a log or a bug report).
  const secret = /TOKEN|SECRET|PASSWORD|KEY/i.test(name);
  throw new ConfigError(`Invalid ${name}: ${issue.message}${got === undefined || secret ? '' : ` (got "${got}")`}`);
}

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
  WEB_CHAT: onOff.default(true),
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL'], { message: 'expected NORMAL or FULL' }).default('NORMAL'),
  /** Officers' API token. No default: without it the admin API is off. */
  ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
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
