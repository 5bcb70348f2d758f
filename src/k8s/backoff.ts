// Jittered exponential backoff between attempts to reach the API (client-go's
// wait.Backoff): attempt n waits a random time in [d/2, d], d = min(base * 2^n, max).
// The jitter spreads the reconnects of many kdns replicas after an API outage.

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call doubles the next one, up to the maximum. */
  next(): number {
    const d = Math.min(this.baseMs * 2 ** this.attempt, this.maxMs);
    if (d < this.maxMs) this.attempt++;
    return d / 2 + (this.random() * d) / 2;
  }

  /** After a success: the next failure waits the base delay again. */
  reset(): void {
    this.attempt = 0;
  }
}
