// Baileys' AuthenticationState backed by our SQLite file (modelled on its
// useMultiFileAuthState): creds saved on every creds.update, keys written per update.
import { initAuthCreds, type AuthenticationState } from '@whiskeysockets/baileys';
import type { Clock } from '../../core/types.js';
import type { WhatsAppStore } from '../../store/whatsapp-store.js';

export interface SqliteAuthState {
  state: AuthenticationState;
  /** Bind to `creds.update`: Baileys changes `state.creds` in place, this persists it. */
  saveCreds(): void;
}

export function sqliteAuthState(store: WhatsAppStore, clock: Clock): SqliteAuthState {
  const creds = store.loadCreds() ?? initAuthCreds();
  return {
    state: {
      creds,
      keys: {
        get: (type, ids) => store.getKeys(type, ids),
        set: (data) => store.setKeys(data),
        clear: () => store.clearKeys(),
      },
    },
    saveCreds: () => store.saveCreds(creds, clock.now()),
  };
}
