import { applicationsMigrations } from './applications.js';
import { bookingMigrations } from './booking.js';
import { coreMigrations } from './core.js';
import { opsMigrations } from './ops.js';
import { telegramMigrations } from './telegram.js';
import type { Migration } from './types.js';
import { whatsappMigrations } from './whatsapp.js';

export type { Migration };

export const allMigrations: Migration[] = [
  ...coreMigrations,
  ...opsMigrations,
  ...bookingMigrations,
  ...telegramMigrations,
  ...whatsappMigrations,
  ...applicationsMigrations,
];
