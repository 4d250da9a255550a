interface Waiting<I, O> {
  input: I;
  resolve(output: O): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions<I> {
  /** Inputs per batch at most. */
  maxBatch: number;
  /** Batches running at once at most (each holds a database connection). */
  maxConcurrent: number;
  /**
   * Inputs with the same key never share a batch (one statement cannot change a row twice), nor run
   * in two batches at once (the later could commit first: a delivery's second attempt numbered 1).
   */
  keyOf?(input: I): string;
  /**
   * Whether a failed batch's error may come from one of its inputs alone (a value the database
   * refuses), rather than from the database (down, a conflict), which every input would get again.
   * Such a batch is split in halves, and each half run again, down to the input at fault: only its
   * caller gets the error, every other caller its own result. Without it, a failed batch rejects all.
   */
  isolate?(error: unknown): boolean;
}

/**
 * Group commit: callers submit one input each and await its own result, while the work runs as one
 * statement per batch. A batch starts as soon as a slot is free; whatever arrives while batches run
 * waits and goes in the next one. So at a low rate each input runs alone, at once, and at a high rate
 * hundreds share a round trip: no fixed delay, no timer.
 */
export class GroupCommit<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private running = 0;
  /** Keys of the inputs in running batches: one of the same key waits until its batch has settled. */
  private readonly inFlight = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly options: GroupCommitOptions<I>,
  ) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      // After this turn's callbacks: the inputs submitted together go together.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    const { keyOf } = this.options;
    while (this.running < this.options.maxConcurrent && this.waiting.length > 0) {
      const batch = this.nextBatch();
      // Every waiting input's key is in a running batch: the next one starts when that one settles.
      if (batch.length === 0) return;
      const keys = keyOf ? batch.map((w) => keyOf(w.input)) : [];
      for (const key of keys) this.inFlight.add(key);
      this.running++;
      void this.settle(batch).finally(() => {
        for (const key of keys) this.inFlight.delete(key);
        this.running--;
        this.pump();
      });
    }
  }

  /**
   * Runs a batch and settles its callers. A failure `isolate` blames on an input is bisected, the
   * halves one after the other in this batch's slot: k bad inputs in n cost about k·log2(n) more
   * statements, and the good ones are committed on the way.
   */
  private async settle(batch: Array<Waiting<I, O>>): Promise<void> {
    let outputs: O[];
    try {
      outputs = await this.run(batch.map((w) => w.input));
    } catch (error) {
      if (batch.length === 1 || !this.options.isolate?.(error)) {
        batch.forEach((w) => w.reject(error));
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.settle(batch.slice(0, half));
      await this.settle(batch.slice(half));
      return;
    }
    batch.forEach((w, i) => w.resolve(outputs[i]));
  }

  private nextBatch(): Array<Waiting<I, O>> {
    const { maxBatch, keyOf } = this.options;
    if (!keyOf) return this.waiting.splice(0, maxBatch);
    const batch: Array<Waiting<I, O>> = [];
    const rest: Array<Waiting<I, O>> = [];
    const keys = new Set<string>();
    for (const waiting of this.waiting) {
      const key = keyOf(waiting.input);
      if (batch.length < maxBatch && !keys.has(key) && !this.inFlight.has(key)) {
        keys.add(key);
        batch.push(waiting);
      } else rest.push(waiting);
    }
    this.waiting = rest;
    return batch;
  }
}
