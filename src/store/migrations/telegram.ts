import type { Migration } from './types.js';

// Owned by the telegram feature. Versions in its range (see types.ts).
export const telegramMigrations: Migration[] = [];
