// Time and ids are passed in, never read from globals, so tests and demos run on fixed time.

/** The source of "now" for everything escalator does. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at one instant (ESCALATOR_NOW), or movable by tests. */
export class FixedClock implements Clock {
  private current: Date;
  constructor(at: Date | string) {
    this.current = new Date(at);
    if (Number.isNaN(this.current.getTime())) throw new Error(`not a time: ${String(at)}`);
  }
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}

/** Makes entry ids. */
export type IdGenerator = () => string;

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** Random 10-character ids (Crockford-style base32, no i/l/o/u): short enough to type in a chat. */
export const randomIds: IdGenerator = () => {
  // Random bytes are drawn 4 KiB at a time: a job run over a backlog makes tens of thousands of ids (one each per
  // message), and one call into the system's generator per id cost more than the rest of making it.
  if (randomOffset + 10 > randomPool.length) {
    crypto.getRandomValues(randomPool);
    randomOffset = 0;
  }
  let id = '';
  for (let index = randomOffset; index < randomOffset + 10; index++) id += alphabet[randomPool[index]! % 32];
  randomOffset += 10;
  return id;
};
const randomPool = new Uint8Array(4100);
let randomOffset = randomPool.length;

/** A deterministic id generator (demo data, tests): the same seed gives the same ids. */
export function seededIds(seed: number): IdGenerator {
  const random = seededRandom(seed);
  return () => {
    let id = '';
    for (let index = 0; index < 10; index++) id += alphabet[Math.floor(random() * 32)];
    return id;
  };
}

/** mulberry32: a small, fast, deterministic PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
