// Tables of the in-conversation understanding (core versions 60–69).
import type { Migration } from './types.js';

export const understandingMigrations: Migration[] = [
  {
    version: 60,
    name: 'replies a later message in the same burst may replace (small talk)',
    up: `
      CREATE TABLE outbox_supersedable (
        outbox_id INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
        resident_id INTEGER NOT NULL
      );
      CREATE INDEX outbox_supersedable_resident ON outbox_supersedable (resident_id);
    `,
  },
];
