/**
 * The probers' manners: tasks of one target address run at most `perKey` at a time, all of them at most
 * `concurrency` at a time, and every start passes a rate gate; waiting tasks start in the order they were queued (the
 * callers queue the slowest checks first). `edge-lab probe` is polite to a real perimeter (reference
 * probe-protocols.md section 0: one check at a time per address, a global rate); the emulator's runner only keeps a
 * stand-in from being flooded (several per address, no rate).
 */

export interface ScheduleOptions {
  /** Tasks running at once, over all keys (Infinity: no bound). @default 8 */
  readonly concurrency?: number;
  /** Tasks of one key running at once. @default 1 */
  readonly perKey?: number;
  /** Task starts per second, over all keys (Infinity: no gate). @default 50 */
  readonly ratePerSecond?: number;
  /** A rate gate shared with other schedulers (then `ratePerSecond` is the gate's). @default a gate of its own */
  readonly gate?: RateGate;
}

/** Spaces starts evenly: at most `ratePerSecond` per second, whoever asks. */
export class RateGate {
  private readonly intervalMs: number;
  private nextStart = 0;

  constructor(ratePerSecond = 50) {
    if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be above 0, got ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Resolves at this caller's turn. */
  async pass(): Promise<void> {
    const now = Date.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + this.intervalMs;
    if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now));
  }
}

/** Runs tasks keyed by target: serial per key, concurrent across keys, rate-limited overall. */
export class PoliteScheduler {
  private readonly concurrency: number;
  private readonly perKey: number;
  private readonly gate: RateGate;
  private running = 0;
  private readonly active = new Map<string, number>();
  /** Tasks waiting for a slot, in the order they were queued. */
  private readonly waiting: { readonly key: string; readonly start: () => void }[] = [];

  constructor(options: ScheduleOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.perKey = Math.max(1, options.perKey ?? 1);
    this.gate = options.gate ?? new RateGate(options.ratePerSecond);
  }

  /** Runs `task` once its key and the whole scheduler have a free slot (tasks of one key in queue order). */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (this.hasRoom(key)) this.take(key);
    else await new Promise<void>((start) => this.waiting.push({ key, start }));
    try {
      await this.gate.pass();
      return await task();
    } finally {
      this.release(key);
    }
  }

  private hasRoom(key: string): boolean {
    return this.running < this.concurrency && (this.active.get(key) ?? 0) < this.perKey;
  }

  private take(key: string): void {
    this.running++;
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
  }

  /** Frees a slot and starts the earliest waiting tasks that now have room (one per freed slot of their key). */
  private release(key: string): void {
    this.running--;
    this.active.set(key, this.active.get(key)! - 1);
    for (let i = 0; i < this.waiting.length && this.running < this.concurrency;) {
      const w = this.waiting[i];
      if (!this.hasRoom(w.key)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.take(w.key);
      w.start();
    }
  }
}
