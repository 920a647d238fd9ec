import type { Migration } from './types.js';

// Owned by the whatsapp feature. Versions in its range (see types.ts).
export const whatsappMigrations: Migration[] = [];
