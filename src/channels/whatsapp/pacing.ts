// Sending like a person, not a machine (WhatsApp bans numbers that blast messages):
// one queue per recipient, a random pause before each message, in order; and only a few
// recipients served at once, so a broadcast trickles out instead of bursting.

export interface PacingOptions {
  minDelayMs: number;
  maxDelayMs: number;
  /** Recipients being typed to at the same time, across the whole number. */
  maxParallel: number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RecipientQueues {
  private readonly tails = new Map<string, Promise<unknown>>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly opts: PacingOptions) {}

  private async acquire(): Promise<void> {
    if (this.active < this.opts.maxParallel) {
      this.active += 1;
      return;
    }
    // The slot is handed over directly by release(), so `active` stays counted.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }

  private async withSlot<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** A pause within [minDelayMs, maxDelayMs]. */
  nextDelay(): number {
    const { minDelayMs, maxDelayMs, random } = this.opts;
    return Math.round(minDelayMs + random() * (maxDelayMs - minDelayMs));
  }

  /**
   * Runs task after everything queued earlier for the same recipient; other recipients
   * are not held up. The task gets its pause and a sleep to spend it with.
   */
  run<T>(recipient: string, task: (pause: () => Promise<number>) => Promise<T>): Promise<T> {
    const previous = this.tails.get(recipient) ?? Promise.resolve();
    const pause = async () => {
      const ms = this.nextDelay();
      await this.opts.sleep(ms);
      return ms;
    };
    const result = previous.catch(() => undefined).then(() => this.withSlot(() => task(pause)));
    const tail = result.catch(() => undefined);
    this.tails.set(recipient, tail);
    // Forget idle recipients, so the map does not grow with every number ever served.
    void tail.then(() => {
      if (this.tails.get(recipient) === tail) this.tails.delete(recipient);
    });
    return result;
  }

  /** Resolves when every queued send has finished (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.tails.size) await Promise.all([...this.tails.values()]);
  }

  get busyRecipients(): number {
    return this.tails.size;
  }

  /** Recipients being served right now (never above maxParallel). */
  get inFlight(): number {
    return this.active;
  }
}
