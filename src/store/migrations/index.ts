import { applicationsMigrations } from './applications.js';
import { bookingMigrations } from './booking.js';
import { coreMigrations } from './core.js';
import { handoffMigrations } from './handoff.js';
import { officersMigrations } from './officers.js';
import { opsMigrations } from './ops.js';
import { perfMigrations } from './perf.js';
import { telegramMigrations } from './telegram.js';
import type { Migration } from './types.js';
import { understandingMigrations } from './understanding.js';
import { whatsappMigrations } from './whatsapp.js';

export type { Migration };

export const allMigrations: Migration[] = [
  ...coreMigrations,
  ...understandingMigrations,
  ...opsMigrations,
  ...bookingMigrations,
  ...telegramMigrations,
  ...whatsappMigrations,
  ...applicationsMigrations,
  ...officersMigrations,
  ...handoffMigrations,
  ...perfMigrations,
];
