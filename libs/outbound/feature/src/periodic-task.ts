/**
 * Runs `tick` every `everyMs`, never two at once (a slow tick delays the next), and stops after the
 * tick in progress. An error is given to `onError` and the next tick runs as usual.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    private readonly tick: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .then(() => undefined, this.onError)
        .finally(() => (this.ticking = undefined));
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }
}
