import type { Migration } from './types.js';

// Owned by the telegram feature. Versions in its range (see types.ts).
export const telegramMigrations: Migration[] = [
  {
    version: 200,
    name: 'telegram: long callback ids, group notices',
    up: `
      -- Choice ids too long for Telegram's 64-byte callback data travel as a short hash;
      -- this maps the hash back, across restarts.
      CREATE TABLE telegram_callbacks (
        hash TEXT PRIMARY KEY,
        choice_id TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      -- Groups and channels get the "private chats only" notice once.
      CREATE TABLE telegram_group_notices (
        chat_id TEXT PRIMARY KEY,
        noticed_at TEXT NOT NULL
      );
    `,
  },
];
