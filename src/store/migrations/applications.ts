import type { Migration } from './types.js';

// Owned by the applications feature. Versions in its range (see types.ts).
export const applicationsMigrations: Migration[] = [];
