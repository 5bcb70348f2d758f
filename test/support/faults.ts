// Watching a kdns process through a fault: the answers it keeps giving, the log
// lines the fault causes, and its metrics.

import type { KdnsProcess } from './kdns.js';
import { answer } from './k8s-api/kdns.js';

export interface Expected {
  readonly qname: string;
  readonly qtype: string;
  /** As answer() writes it: "NOERROR 10.96.0.1". */
  readonly want: string;
}

/** Asks `expected` over and over until stop(); every other answer (or none) is kept in `wrong`. */
export class Steady {
  queries = 0;
  readonly wrong: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(port: number, expected: readonly Expected[]) {
    this.loop = (async () => {
      while (this.running) {
        for (const e of expected) {
          let got: string;
          try {
            got = await answer(port, e.qname, e.qtype);
          } catch (err) {
            got = (err as Error).message;
          }
          this.queries++;
          if (got !== e.want) this.wrong.push(`${e.qname} ${e.qtype}: ${got}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** Log lines written from `mark` (a length of stdout taken before) on that contain `text`. */
export function linesSince(kdns: KdnsProcess, mark: number, text: string): string[] {
  return kdns.stdout().slice(mark).split('\n').filter((l) => l.includes(text));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
