// How long the newest runs have been going, for the run bar: started when a batch begins (again
// from zero when Run asks, or when the last runs had ended), stopped when the queue goes idle,
// and refreshed on a timer in between so the shown time moves. Leaves out what counts as idle
// (the queue store decides when to stop it).

export class Stopwatch {
  startedAt = $state<number | null>(null);
  endedAt = $state<number | null>(null);
  now = $state(0);
  readonly elapsedMs: number = $derived(
    this.startedAt === null ? 0 : (this.endedAt ?? this.now) - this.startedAt,
  );

  #ticker: ReturnType<typeof setInterval> | null = null;
  #clock: () => number;
  #tickMs: number;

  constructor(clock: () => number, tickMs: number) {
    this.#clock = clock;
    this.#tickMs = tickMs;
    this.now = clock();
  }

  /** A batch begins: times from now when `restart` asks, or when it never ran or had stopped;
   * otherwise goes on counting. */
  start(restart: boolean): void {
    if (restart || this.startedAt === null || this.endedAt !== null) {
      this.startedAt = this.#clock();
      this.now = this.startedAt;
      this.endedAt = null;
    }
    this.#stopTicker();
    this.#ticker = setInterval(() => (this.now = this.#clock()), this.#tickMs);
  }

  /** The queue went idle: the time stays where it is. */
  stop(): void {
    this.endedAt = this.#clock();
    this.#stopTicker();
  }

  dispose(): void {
    this.#stopTicker();
  }

  #stopTicker(): void {
    if (this.#ticker !== null) clearInterval(this.#ticker);
    this.#ticker = null;
  }
}
