// Import progress for people: a cli-progress bar when stderr is a terminal, otherwise a plain line now and then.
import { SingleBar } from 'cli-progress';

/** Counts so far, shown as the import goes. */
export interface ImportCounts {
  rows: number;
  created: number;
  updated: number;
  refused: number;
}

export interface ImportProgress {
  /** `total` is the file's size in bytes: rows are not known before the end. */
  start(total: number): void;
  update(bytes: number, counts: ImportCounts): void;
  stop(): void;
}

/** A bar drawn on a terminal stream (stderr). */
export function barProgress(stream: NodeJS.WritableStream): ImportProgress {
  const bar = new SingleBar({
    stream,
    format: 'importing |{bar}| {percentage}% | {rows} rows: {created} created, {updated} updated, {refused} refused',
    hideCursor: true,
    clearOnComplete: false,
  });
  return {
    start: (total) => bar.start(Math.max(total, 1), 0, { rows: 0, created: 0, updated: 0, refused: 0 }),
    update: (bytes, counts) => bar.update(bytes, { ...counts }),
    stop: () => bar.stop(),
  };
}

/** One line per `every` rows (and at the end), for logs and pipes. */
export function lineProgress(write: (line: string) => void, every = 1000): ImportProgress {
  let total = 1;
  let lastRows = 0;
  const line = (bytes: number, counts: ImportCounts) =>
    write(`importing: ${counts.rows} rows (${Math.min(100, Math.round((bytes / total) * 100))}%), ${counts.created} created, ${counts.updated} updated, ${counts.refused} refused`);
  let last: [number, ImportCounts] | undefined;
  return {
    start: (size) => {
      total = Math.max(size, 1);
    },
    update: (bytes, counts) => {
      last = [bytes, { ...counts }];
      if (counts.rows - lastRows >= every) {
        lastRows = counts.rows;
        line(bytes, counts);
      }
    },
    stop: () => {
      if (last && last[1].rows !== lastRows) line(last[0], last[1]);
    },
  };
}
