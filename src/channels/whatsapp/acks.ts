// A send counts only when WhatsApp's server acknowledges it. Baileys resolves sendMessage as
// soon as the stanza is on the websocket; the server answers later with an <ack class="message">
// (an `error` attribute on rejection, e.g. 463 or 479). Baileys turns an error ack into
// `messages.update` with status ERROR; a good ack it does not report, so it is read from the
// socket's `CB:ack,class:message` frames. Delivery receipts (status ≥ SERVER_ACK) count as acks too.
import { proto, type BaileysEventMap } from '@whiskeysockets/baileys';
import type { WhatsAppPort } from './port.js';

export type AckOutcome = { ok: true } | { ok: false; code: string; restricted?: boolean } | { ok: false; code: 'timeout' } | { ok: false; code: 'closed' };

/** Baileys' own wording when the ack means the office number may not reach out (reachout time lock). */
const RESTRICTED = /restrict/i;

interface Waiter {
  resolve(outcome: AckOutcome): void;
  cancel(): void;
}

export interface AckTimer {
  /** Calls fn after ms; returns the cancel function. */
  (ms: number, fn: () => void): () => void;
}

export const realTimer: AckTimer = (ms, fn) => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return () => clearTimeout(t);
};

export class AckTracker {
  private readonly waiting = new Map<string, Waiter>();

  constructor(
    private readonly timeoutMs: number,
    private readonly timer: AckTimer = realTimer,
  ) {}

  /** Listens on a socket's frames and events; returns the detach function. */
  attach(port: WhatsAppPort): () => void {
    const onFrame = (node: { attrs?: Record<string, string> }) => {
      const id = node.attrs?.id;
      if (!id) return;
      const error = node.attrs?.error;
      // An error ack also comes as messages.update (below), with Baileys' own reading of it.
      if (!error) this.settle(id, { ok: true });
    };
    const onUpdate = (updates: BaileysEventMap['messages.update']) => {
      for (const { key, update } of updates) {
        if (!key.id || !key.fromMe || update.status === undefined || update.status === null) continue;
        if (update.status === proto.WebMessageInfo.Status.ERROR) {
          const [code, text] = (update.messageStubParameters ?? []) as string[];
          this.settle(key.id, { ok: false, code: String(code ?? 'error'), ...(text && RESTRICTED.test(text) ? { restricted: true } : {}) });
        } else if (update.status >= proto.WebMessageInfo.Status.SERVER_ACK) {
          this.settle(key.id, { ok: true });
        }
      }
    };
    port.ws?.on('CB:ack,class:message', onFrame);
    port.ev.on('messages.update', onUpdate);
    return () => {
      port.ws?.off('CB:ack,class:message', onFrame);
      port.ev.off('messages.update', onUpdate);
    };
  }

  /** Registered before the send, so an ack that beats sendMessage's promise is not missed. */
  expect(id: string): Promise<AckOutcome> {
    this.waiting.get(id)?.resolve({ ok: false, code: 'closed' });
    return new Promise<AckOutcome>((resolve) => {
      const cancel = this.timer(this.timeoutMs, () => this.settle(id, { ok: false, code: 'timeout' }));
      this.waiting.set(id, {
        resolve: (outcome) => {
          cancel();
          resolve(outcome);
        },
        cancel,
      });
    });
  }

  /** The socket closed: nothing in flight will be acked on it. */
  closeAll(): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, { ok: false, code: 'closed' });
  }

  forget(id: string): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    w.cancel();
  }

  get pending(): number {
    return this.waiting.size;
  }

  private settle(id: string, outcome: AckOutcome): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    w.resolve(outcome);
  }
}
