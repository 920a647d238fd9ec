import type { Migration } from './types.js';

// Owned by the booking feature. Versions in its range (see types.ts).
export const bookingMigrations: Migration[] = [];
