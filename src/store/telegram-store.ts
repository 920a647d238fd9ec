// SQL of the Telegram channel: the callback-data map for long choice ids and the
// record of groups that were already told the bot serves private chats only.
import type { Db } from './db.js';

export class TelegramStore {
  private readonly stmts;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      rememberCallback: p('INSERT OR IGNORE INTO telegram_callbacks (hash, choice_id, created_at) VALUES (?, ?, ?)'),
      lookupCallback: p('SELECT choice_id FROM telegram_callbacks WHERE hash = ?').pluck(),
      pruneCallbacks: p('DELETE FROM telegram_callbacks WHERE created_at < ?'),
      markNoticed: p('INSERT OR IGNORE INTO telegram_group_notices (chat_id, noticed_at) VALUES (?, ?)'),
    };
  }

  rememberCallback(hash: string, choiceId: string, now: Date): void {
    this.stmts.rememberCallback.run(hash, choiceId, now.toISOString());
  }

  lookupCallback(hash: string): string | undefined {
    return this.stmts.lookupCallback.get(hash) as string | undefined;
  }

  pruneCallbacks(olderThan: Date): number {
    return this.stmts.pruneCallbacks.run(olderThan.toISOString()).changes;
  }

  /** True the first time a group or channel is seen (it should get the notice then). */
  markGroupNoticed(chatId: string, now: Date): boolean {
    return this.stmts.markNoticed.run(chatId, now.toISOString()).changes === 1;
  }
}
