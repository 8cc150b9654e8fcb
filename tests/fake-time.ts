// Fake timers on a FixedClock: advancing the clock fires due timers in order and lets the work they start settle.
import type { FixedClock } from '../objects/clock';
import type { Timers } from '../jobs/timers';

interface FakeTimer {
  at: number;
  order: number;
  callback: () => void;
}

export class FakeTimers implements Timers {
  private readonly pending = new Map<number, FakeTimer>();
  private next = 1;

  constructor(
    private readonly clock: FixedClock,
    /** Waits for the work a timer started (scheduler and outbox idle). */
    private readonly settle: () => Promise<void> = async () => undefined,
  ) {}

  setTimeout(callback: () => void, milliseconds: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.clock.now().getTime() + Math.max(0, milliseconds), order: id, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** When the earliest timer is due, if any. */
  nextDue(): Date | undefined {
    const times = [...this.pending.values()].map((timer) => timer.at);
    return times.length ? new Date(Math.min(...times)) : undefined;
  }

  /** Moves the clock forward to `to`, firing every timer due on the way at its own time. */
  async advanceTo(to: Date | string): Promise<void> {
    const target = new Date(to).getTime();
    await this.settle();
    for (;;) {
      const due = [...this.pending.entries()].filter(([, timer]) => timer.at <= target).sort((a, b) => a[1].at - b[1].at || a[1].order - b[1].order)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      if (due[1].at > this.clock.now().getTime()) this.clock.set(new Date(due[1].at));
      due[1].callback();
      await this.settle();
    }
    if (target > this.clock.now().getTime()) this.clock.set(new Date(target));
    await this.settle();
  }

  async advance(milliseconds: number): Promise<void> {
    await this.advanceTo(new Date(this.clock.now().getTime() + milliseconds));
  }
}
