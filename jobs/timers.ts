// Timer functions, injected so the scheduler and the outbox run on fake time in tests.

/** setTimeout / clearTimeout as an object; handles are opaque. */
export interface Timers {
  setTimeout(callback: () => void, milliseconds: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers (delays clamped to what setTimeout accepts). */
export const realTimers: Timers = {
  setTimeout(callback, milliseconds) {
    return setTimeout(callback, Math.max(0, Math.min(milliseconds, 2_147_483_647)));
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
