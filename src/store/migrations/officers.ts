import type { Migration } from './types.js';

// Owned by the officer dashboard: accounts, sessions, API tokens, login limits (500–599),
// and the statistics counters the engine records per message (core 50–59).
export const officersMigrations: Migration[] = [
  {
    version: 50,
    name: 'statistics: messages, active residents, intents and questions not understood per day',
    up: `
      CREATE TABLE stats_daily (
        day TEXT NOT NULL,
        channel TEXT NOT NULL,
        metric TEXT NOT NULL,
        key TEXT NOT NULL DEFAULT '',
        count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, channel, metric, key)
      ) WITHOUT ROWID;
      CREATE TABLE stats_active (
        day TEXT NOT NULL,
        resident_id INTEGER NOT NULL,
        PRIMARY KEY (day, resident_id)
      ) WITHOUT ROWID;
      -- The questions the bot did not understand, digits masked, so officers can add vocabulary.
      CREATE TABLE stats_unknown (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        channel TEXT NOT NULL,
        text TEXT NOT NULL
      );
      CREATE INDEX stats_unknown_at ON stats_unknown (at);
    `,
  },
  {
    version: 500,
    name: 'officer accounts, sessions, API tokens, login failures',
    up: `
      CREATE TABLE officers (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'petugas', 'viewer')),
        password_hash TEXT NOT NULL,
        must_change INTEGER NOT NULL DEFAULT 1,
        disabled INTEGER NOT NULL DEFAULT 0,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        lang TEXT NOT NULL DEFAULT 'id' CHECK (lang IN ('id', 'en')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_login_at TEXT
      );
      CREATE TABLE officer_sessions (
        token_hash TEXT PRIMARY KEY,
        officer_id INTEGER NOT NULL REFERENCES officers (id) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX officer_sessions_officer ON officer_sessions (officer_id);
      CREATE TABLE officer_tokens (
        id INTEGER PRIMARY KEY,
        officer_id INTEGER NOT NULL REFERENCES officers (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      );
      CREATE INDEX officer_tokens_officer ON officer_tokens (officer_id);
      -- Failed logins per client address (the per-account count is on officers).
      CREATE TABLE login_failures (
        scope TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        first_at TEXT NOT NULL,
        locked_until TEXT
      ) WITHOUT ROWID;
    `,
  },
];
