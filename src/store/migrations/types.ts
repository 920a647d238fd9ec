import type Database from 'better-sqlite3';

/** One schema step. Versions are global: core 1–99, booking 100–199, telegram 200–299, whatsapp 300–399, applications 400–499, officers 500–599, performance 700–709 (stats: core 50–59). */
export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Database.Database) => void);
}
