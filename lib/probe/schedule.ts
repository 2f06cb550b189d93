/**
 * The prober's manners (reference probe-protocols.md section 0): checks of one target address run one after another
 * (no parallel connections to one IP), different addresses run concurrently up to a bound, and every check start
 * waits for a global rate limit. The slowest checks are queued first by the caller, so they start first.
 */

export interface ScheduleOptions {
  /** Targets probed at once. @default 8 */
  readonly concurrency?: number;
  /** Check starts per second, over all targets. @default 50 */
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
  private readonly gate: RateGate;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(options: ScheduleOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.gate = options.gate ?? new RateGate(options.ratePerSecond);
  }

  /** Queues `task` behind every earlier task of the same key; resolves with its value. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.then(
      () => this.slot(task),
      () => this.slot(task),
    );
    this.tails.set(key, mine);
    return mine;
  }

  private async slot<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      await this.gate.pass();
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
