// Runs jobs by themselves: at their schedule's slots, at the exact moment an entry crosses a threshold, at once when
// entries change, and once at start — for a slot missed while down, or else for what changed or crossed a threshold
// while down — before waiting for the next wake-up. One run of a job at a time; a failing job does not stop the
// others and tells its creator once. A job with an active window runs only inside it: whatever came up while it was
// quiet (a slot, a crossing, a change, a restart) waits and runs once when the window opens. Muted entries are left
// alone by the runner; when a mute ends, the jobs on its object evaluate those entries at once.
import type { Clock } from '../objects/clock';
import { errorMessage } from '../objects/errors';
import { formatTime } from '../objects/values';
import type { EntryChange, Workspace } from '../objects/workspace';
import { activeWindowOf, nextActiveSlots, type ActiveWindow } from './active-hours';
import { nextCrossing } from './deadlines';
import { loadJobsReport, onJobsChanged, readJob } from './job-files';
import { isReportJob, type JobDefinition } from './job-schema';
import { enqueueMessage, wakeOutbox } from './outbox';
import { closeStorm, openStorm, stormRunning } from './outbox-digest';
import { addressOfCreator } from './recipients';
import { changedByJob, recordFailure, runJob, type JobRunResult, type RunTrigger } from './runner';
import { entriesOfEndedMutes, nextMuteEnd, onMutesChanged, type MutedRef } from './mutes';
import { recordFullEvaluation, restartScope } from './restart-scope';
import { lastSlotBetween, scheduleOf, type Schedule } from './schedule';
import { ensureJobTables, releasePending } from './tables';
import { realTimers, type Timers } from './timers';

export interface SchedulerOptions {
  workspace: Workspace;
  clock?: Clock;
  timers?: Timers;
  log?: (line: string) => void;
  /** Longest sleep between checks (a safety net for clock jumps); default one hour. */
  maxSleepMs?: number;
  /** Most entries one change run evaluates (the rest follow in the next run); default 100. */
  changeBatch?: number;
}

/**
 * Something whose writes should go before evaluating changes (webhook ingestion): resolves when it lets a change
 * run have the writer. Change runs are evaluation after the fact; an acknowledgement someone waits for is not.
 */
export type ChangeRunGate = () => Promise<void>;

interface Pending {
  trigger: RunTrigger;
  slot?: Date;
  /** undefined = every entry; otherwise only these (changed entries). */
  entryIds?: Set<string>;
  /** Runs even outside the job's active window (a run asked for by hand). */
  force?: boolean;
}

interface ScheduledJob {
  job: JobDefinition;
  schedule: Schedule;
  /** When the job may act; undefined = always. */
  window: ActiveWindow | undefined;
  nextSlot: Date | undefined;
  deadline: Date | undefined;
  timer: unknown;
  running: Promise<void> | undefined;
  pending: Pending | undefined;
}

/** What the scheduler knows of a job, for `jobs list` and /jobs. */
export interface ScheduledJobStatus {
  name: string;
  enabled: boolean;
  nextSlot: Date | undefined;
  nextDeadline: Date | undefined;
  /** The job's active window in words, if it has one. */
  active: string | undefined;
  /** Set while the job is outside its window with a run waiting: when that run will happen. */
  heldUntil: Date | undefined;
  running: boolean;
}

const triggerWeight: Record<RunTrigger, number> = { change: 0, deadline: 1, manual: 2, restart: 2, schedule: 3, 'catch-up': 3, first: 3 };

export class Scheduler {
  private readonly workspace: Workspace;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly log: (line: string) => void;
  private readonly maxSleepMs: number;
  private readonly changeBatch: number;
  private readonly gates = new Set<ChangeRunGate>();
  private readonly jobs = new Map<string, ScheduledJob>();
  private readonly unsubscribe: (() => void)[] = [];
  private started = false;
  private reloading: Promise<void> | undefined;
  private muteTimer: unknown;
  /** Work on mutes in flight (reading ended mutes, re-arming), so `idle()` waits for it. */
  private muteWork: Promise<void> | undefined;
  /** Mutes that ended up to here have been handed to the jobs. */
  private mutesCheckedAt: Date | undefined;
  /** Runs finished since start, newest last (tests and `serve` output). */
  readonly history: (JobRunResult | { job: string; error: string; at: Date })[] = [];

  constructor(options: SchedulerOptions) {
    this.workspace = options.workspace;
    this.clock = options.clock ?? options.workspace.clock;
    this.timers = options.timers ?? realTimers;
    this.log = options.log ?? (() => undefined);
    this.maxSleepMs = options.maxSleepMs ?? 60 * 60_000;
    this.changeBatch = options.changeBatch ?? 100;
  }

  /** Makes every change run wait for `gate` first (ingestion's next batch goes before evaluating the last). Returns the remover. */
  deferChangeRuns(gate: ChangeRunGate): () => void {
    this.gates.add(gate);
    return () => this.gates.delete(gate);
  }

  /**
   * Loads the jobs and runs each enabled one once — a missed slot's catch-up, or else a restart run that evaluates
   * what came up while down (entries changed and related to changes, what ingestion left pending, thresholds crossed
   * and mutes ended while down; every entry when the job's definition changed; the ledger keeps what already fired
   * from firing again) — then arms the timers and listens for changes.
   */
  async start(): Promise<void> {
    await ensureJobTables(this.workspace.db);
    this.started = true;
    this.unsubscribe.push(this.workspace.onEntriesChanged((changes) => this.entriesChanged(changes)));
    this.unsubscribe.push(onJobsChanged(this.workspace, ({ job }) => void this.reloadJob(job)));
    this.unsubscribe.push(onMutesChanged(this.workspace, (event) => this.mutesChanged(event.ended)));
    // The start runs cover mutes that ended while down (a full run, or the restart scope), so they need nothing more.
    this.mutesCheckedAt = this.clock.now();
    await this.reload();
    await this.armMutes();
  }

  /** Stops timers and listeners; waits for runs in flight. */
  async stop(): Promise<void> {
    this.started = false;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    if (this.muteTimer !== undefined) this.timers.clearTimeout(this.muteTimer);
    this.muteTimer = undefined;
    for (const scheduled of this.jobs.values()) {
      if (scheduled.timer !== undefined) this.timers.clearTimeout(scheduled.timer);
      scheduled.timer = undefined;
      scheduled.pending = undefined;
    }
    await this.idle();
  }

  /** Resolves when no run is in flight or waiting. */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [this.reloading, this.muteWork, ...[...this.jobs.values()].map((scheduled) => scheduled.running)].filter((promise): promise is Promise<void> => promise !== undefined);
      if (busy.length === 0) return;
      await Promise.all(busy);
    }
  }

  /** The jobs the scheduler runs, with their next slot and deadline. */
  status(): ScheduledJobStatus[] {
    return [...this.jobs.values()].map((scheduled) => ({
      name: scheduled.job.name,
      enabled: scheduled.job.enabled,
      nextSlot: scheduled.nextSlot,
      nextDeadline: scheduled.deadline,
      active: scheduled.window?.text,
      heldUntil: scheduled.pending && scheduled.window && !scheduled.pending.force ? heldUntil(scheduled.window, this.clock.now()) : undefined,
      running: scheduled.running !== undefined,
    }));
  }

  /** Re-reads every job file (hand edits); new and changed jobs run at once, missed slots are caught up. */
  async reload(): Promise<void> {
    const work = (async () => {
      const { jobs, problems } = await loadJobsReport(this.workspace);
      for (const problem of problems) this.log(`job ${problem.job}: not scheduled — ${problem.message}`);
      const names = new Set(jobs.map((job) => job.name));
      for (const name of [...this.jobs.keys()]) if (!names.has(name)) this.forget(name);
      const states = await this.states();
      for (const job of jobs) await this.install(job, states.get(job.name));
      // Jobs disabled or removed while down hold nothing back, and rows no enabled job will take (an object nothing
      // watches) go: a job enabled or added later starts with a full run.
      await ensureJobTables(this.workspace.db);
      const enabled = jobs.filter((job) => job.enabled);
      const watched = [...new Set(enabled.map((job) => this.workspace.objects.get(job.object)?.name ?? job.object))];
      await this.workspace.db.run(`UPDATE job_state SET object = NULL, evaluated_through = NULL WHERE job NOT IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [
        JSON.stringify(enabled.map((job) => job.name)),
      ]);
      await this.workspace.db.run(`DELETE FROM pending_evaluations WHERE object NOT IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [JSON.stringify(watched)]);
    })();
    this.reloading = work;
    try {
      await work;
    } finally {
      if (this.reloading === work) this.reloading = undefined;
    }
  }

  /** Runs a job now through its queue (never alongside another run of it). */
  async runNow(name: string): Promise<void> {
    const scheduled = this.jobs.get(name);
    if (!scheduled) throw new Error(`job "${name}" is not scheduled`);
    this.request(scheduled, { trigger: 'manual', force: true });
    await this.idle();
  }

  private async reloadJob(name: string): Promise<void> {
    if (!this.started) return;
    try {
      const job = await readJob(this.workspace, name);
      await this.install(job, (await this.states()).get(name), true);
    } catch (error) {
      if (this.jobs.has(name)) this.log(`job ${name}: not scheduled any more — ${errorMessage(error)}`);
      this.forget(name);
    }
  }

  private async states(): Promise<Map<string, { lastSlot: Date | null; lastRunAt: Date | null }>> {
    const rows = await this.workspace.db.query<{ job: string; last_slot: Date | null; last_run_at: Date | null }>('SELECT job, last_slot, last_run_at FROM job_state');
    return new Map(rows.map((row) => [row.job, { lastSlot: row.last_slot, lastRunAt: row.last_run_at }]));
  }

  private forget(name: string): void {
    const scheduled = this.jobs.get(name);
    if (!scheduled) return;
    if (scheduled.timer !== undefined) this.timers.clearTimeout(scheduled.timer);
    scheduled.pending = undefined;
    this.jobs.delete(name);
    this.letGo(name);
  }

  /** A job that will not run here any more stops holding back its object's pending evaluations. */
  private letGo(name: string): void {
    releasePending(this.workspace.db, name).catch((error: unknown) => this.log(`job ${name}: could not release its pending evaluations — ${errorMessage(error)}`));
  }

  /** Adds or replaces a job; decides whether it runs at once (new, changed, or a slot was missed). */
  private async install(job: JobDefinition, state: { lastSlot: Date | null; lastRunAt: Date | null } | undefined, changed = false): Promise<void> {
    const previous = this.jobs.get(job.name);
    if (previous?.timer !== undefined) this.timers.clearTimeout(previous.timer);
    const now = this.clock.now();
    const schedule = scheduleOf(job, this.workspace.timeZone);
    const window = activeWindowOf(job, this.workspace);
    const scheduled: ScheduledJob = previous ?? { job, schedule, window, nextSlot: undefined, deadline: undefined, timer: undefined, running: undefined, pending: undefined };
    const definitionChanged = previous !== undefined && JSON.stringify(previous.job) !== JSON.stringify(job);
    scheduled.job = job;
    scheduled.schedule = schedule;
    scheduled.window = window;
    scheduled.timer = undefined;
    scheduled.nextSlot = nextActiveSlots(schedule, window, now, 1)[0];
    this.jobs.set(job.name, scheduled);
    if (!job.enabled) {
      scheduled.pending = undefined;
      scheduled.deadline = undefined;
      if (previous?.job.enabled) this.letGo(job.name);
      return;
    }
    if (isReportJob(job)) {
      // A report job runs at its slots only (a missed one is caught up once); saving or starting sends nothing.
      const since = state?.lastSlot ?? state?.lastRunAt;
      const missed = since ? lastSlotBetween(schedule, since, now) : undefined;
      if (missed) this.request(scheduled, { trigger: 'catch-up', slot: missed });
    } else if (!state) {
      this.request(scheduled, { trigger: 'first', ...slotOf(lastSlotBetween(schedule, new Date(0), now)) });
    } else if (!previous || changed || definitionChanged) {
      const since = state.lastSlot ?? state.lastRunAt;
      const missed = since ? lastSlotBetween(schedule, since, now) : undefined;
      if (missed) this.request(scheduled, { trigger: 'catch-up', slot: missed });
      else if (previous && (changed || definitionChanged)) this.request(scheduled, { trigger: 'manual' });
      else if (!previous) await this.requestRestart(scheduled);
      else await this.refreshDeadline(scheduled);
    }
    this.arm(scheduled);
  }

  /**
   * The run at start when no slot was missed: only what came up while down (restart-scope.ts), or every entry when
   * the job's definition changed or no full evaluation is on record.
   */
  private async requestRestart(scheduled: ScheduledJob): Promise<void> {
    const { job } = scheduled;
    try {
      const scope = await restartScope(this.workspace, job, this.clock.now());
      if (scope.full) {
        this.log(`job ${job.name}: restart run evaluates every entry — ${scope.reason}`);
        this.request(scheduled, { trigger: 'restart' });
        return;
      }
      const { changed, related, crossed, unmuted } = scope.counts;
      this.log(`job ${job.name}: restart run evaluates ${scope.entryIds.length} ${scope.entryIds.length === 1 ? 'entry' : 'entries'} (changed ${changed}, related to a change ${related}, crossed a threshold ${crossed}, mute ended ${unmuted}) and those pending`);
      this.request(scheduled, { trigger: 'restart', entryIds: new Set(scope.entryIds) });
    } catch (error) {
      this.log(`job ${job.name}: cannot tell what changed while down, evaluating every entry — ${errorMessage(error)}`);
      this.request(scheduled, { trigger: 'restart' });
    }
  }

  /**
   * Merges a run request into the job's queue and starts the queue if idle — unless the job is outside its active
   * window: then the request waits, and the timer wakes the job when the window opens.
   */
  private request(scheduled: ScheduledJob, request: Pending): void {
    this.merge(scheduled, request);
    if (scheduled.running) return;
    if (this.mayRun(scheduled)) scheduled.running = this.drain(scheduled);
    else this.arm(scheduled);
  }

  /** Whether the job's waiting request may run now: inside its window, or forced. */
  private mayRun(scheduled: ScheduledJob): boolean {
    return !scheduled.window || scheduled.pending?.force === true || scheduled.window.isActive(this.clock.now());
  }

  /** Merges a run request into the job's queue (the queue itself runs it). */
  private merge(scheduled: ScheduledJob, request: Pending): void {
    const pending = scheduled.pending;
    if (!pending) {
      scheduled.pending = { ...request, ...(request.entryIds ? { entryIds: new Set(request.entryIds) } : {}) };
    } else {
      if (triggerWeight[request.trigger] > triggerWeight[pending.trigger]) pending.trigger = request.trigger;
      if (request.force) pending.force = true;
      if (request.slot && (!pending.slot || request.slot > pending.slot)) pending.slot = request.slot;
      if (!request.entryIds) delete pending.entryIds;
      else if (pending.entryIds) for (const id of request.entryIds) pending.entryIds.add(id);
    }
  }

  /**
   * Runs the job's queue until it is empty. One drain is one burst: its runs (a backlog split into batches, and what
   * arrives meanwhile) share a storm id, so their alerts past `alerts.digest_after` per recipient share one digest.
   */
  private async drain(scheduled: ScheduledJob): Promise<void> {
    const stormId = `s_${this.workspace.ids()}`;
    openStorm(this.workspace, stormId);
    try {
      while (scheduled.pending && this.started) {
        if (!this.mayRun(scheduled)) break;
        if (scheduled.pending.trigger === 'change' && this.gates.size > 0) {
          await Promise.all([...this.gates].map((gate) => gate()));
          if (!scheduled.pending || !this.started) break;
        }
        const request = scheduled.pending;
        scheduled.pending = undefined;
        if (request.entryIds && request.entryIds.size > this.changeBatch) {
          // A backlog is evaluated a batch per run, so no one run holds the writer long; the rest waits its turn.
          const ids = [...request.entryIds];
          request.entryIds = new Set(ids.slice(0, this.changeBatch));
          scheduled.pending = { trigger: 'change', entryIds: new Set(ids.slice(this.changeBatch)) };
        }
        const result = await this.runOnce(scheduled, request, stormId);
        if (result?.morePending) this.merge(scheduled, { trigger: 'change', entryIds: new Set() });
      }
    } finally {
      closeStorm(this.workspace, stormId);
      wakeOutbox(this.workspace);
      scheduled.running = undefined;
      if (this.started && this.jobs.get(scheduled.job.name) === scheduled) this.arm(scheduled);
    }
  }

  /** One run of the job; its result, or undefined when it failed (the failure is logged and recorded). */
  private async runOnce(scheduled: ScheduledJob, request: Pending, stormId: string): Promise<JobRunResult | undefined> {
    const { job } = scheduled;
    const startedAt = this.clock.now();
    const entryIds = request.entryIds ? [...request.entryIds] : undefined;
    let result: JobRunResult | undefined;
    try {
      const options: Parameters<typeof runJob>[2] = { trigger: request.trigger, stormId };
      if (request.slot) options.slot = request.slot;
      if (entryIds) Object.assign(options, { entryIds, pendingLimit: this.changeBatch });
      // While the run is under way the outbox takes no digest of its storm (the run may merge into it).
      stormRunning(this.workspace, stormId, true);
      try {
        result = await runJob(this.workspace, job, options);
      } finally {
        stormRunning(this.workspace, stormId, false);
        wakeOutbox(this.workspace);
      }
      this.history.push(result);
      // A full evaluation is the mark a later restart evaluates from (only what came up since).
      if (!entryIds) await this.noteFullEvaluation(job, result.at);
      if (result.matched > 0 || request.trigger !== 'change') {
        this.log(
          `job ${job.name}: ${request.trigger} run${request.slot ? ` for ${formatTime(request.slot, this.workspace.timeZone)}` : ''} — matched ${result.matched}, changed ${result.changed}, notified ${result.notified}`,
        );
      }
    } catch (error) {
      const message = errorMessage(error);
      this.history.push({ job: job.name, error: message, at: startedAt });
      this.log(`job ${job.name}: ${request.trigger} run failed — ${message}`);
      const details: Parameters<typeof recordFailure>[2] = { trigger: request.trigger, startedAt, error: message };
      if (request.slot) details.slot = request.slot;
      try {
        const wasFailing = await recordFailure(this.workspace, job.name, details);
        if (!wasFailing && job.created_by) {
          await enqueueMessage(this.workspace, {
            to: addressOfCreator(this.workspace, job.created_by),
            text: `⚠️ Job "${job.name}" failed: ${message}\nIt keeps running on schedule; I will tell you again only after it has worked once more.`,
            idempotencyKey: `job-failure/${job.name}/${startedAt.toISOString()}`,
            payload: { kind: 'job_failure', job: job.name },
          });
        }
      } catch (inner) {
        this.log(`job ${job.name}: could not record the failure — ${errorMessage(inner)}`);
      }
    }
    // From the instant the run looked at, not from now: an entry that crossed while the run was busy is due at once.
    // A restart run's deadline is the job's next one over every entry, whatever the run evaluated.
    await this.refreshDeadline(scheduled, request.trigger === 'restart' ? undefined : entryIds, startedAt);
    return result;
  }

  private async noteFullEvaluation(job: JobDefinition, at: Date): Promise<void> {
    try {
      await recordFullEvaluation(this.workspace, job, at);
    } catch (error) {
      // Without the record the next restart evaluates every entry: slower, never wrong.
      this.log(`job ${job.name}: could not record its full evaluation — ${errorMessage(error)}`);
    }
  }

  /** After a full run: the job's next crossing. After a change run: the earlier of the known one and the changed entries'. */
  private async refreshDeadline(scheduled: ScheduledJob, entryIds?: string[], since: Date = this.clock.now()): Promise<void> {
    if (isReportJob(scheduled.job)) return;
    try {
      if (!entryIds) {
        scheduled.deadline = await nextCrossing(this.workspace, scheduled.job, since);
        return;
      }
      const crossing = await nextCrossing(this.workspace, scheduled.job, since, entryIds);
      if (crossing && (!scheduled.deadline || crossing < scheduled.deadline)) scheduled.deadline = crossing;
    } catch (error) {
      scheduled.deadline = undefined;
      this.log(`job ${scheduled.job.name}: cannot compute its next deadline — ${errorMessage(error)}`);
    }
  }

  /** Sets the job's one timer to its next slot or deadline, whichever is first (at most maxSleepMs away). */
  private arm(scheduled: ScheduledJob): void {
    if (scheduled.timer !== undefined) this.timers.clearTimeout(scheduled.timer);
    scheduled.timer = undefined;
    if (!this.started || !scheduled.job.enabled || scheduled.running) return;
    const now = this.clock.now().getTime();
    const opens = scheduled.pending && scheduled.window ? heldUntil(scheduled.window, this.clock.now()) : undefined;
    const targets = [scheduled.nextSlot, scheduled.deadline, opens].filter((at): at is Date => at !== undefined).map((at) => at.getTime());
    const target = Math.min(now + this.maxSleepMs, ...targets);
    scheduled.timer = this.timers.setTimeout(() => {
      scheduled.timer = undefined;
      this.wake(scheduled);
    }, Math.max(0, target - now));
  }

  private wake(scheduled: ScheduledJob): void {
    if (!this.started || this.jobs.get(scheduled.job.name) !== scheduled) return;
    const now = this.clock.now();
    if (scheduled.nextSlot && now >= scheduled.nextSlot) {
      const slot = lastSlotBetween(scheduled.schedule, new Date(scheduled.nextSlot.getTime() - 1), now) ?? scheduled.nextSlot;
      scheduled.nextSlot = nextActiveSlots(scheduled.schedule, scheduled.window, now, 1)[0];
      if (scheduled.deadline && scheduled.deadline <= now) scheduled.deadline = undefined;
      this.request(scheduled, { trigger: 'schedule', slot });
    } else if (scheduled.deadline && now >= scheduled.deadline) {
      scheduled.deadline = undefined;
      this.request(scheduled, { trigger: 'deadline' });
    } else if (scheduled.pending && !scheduled.running && this.mayRun(scheduled)) {
      // The window opened: what came up while the job was quiet runs now, once.
      scheduled.running = this.drain(scheduled);
    } else {
      this.arm(scheduled);
    }
  }

  /** Arms the one mute timer at the earliest mute end still to come (at most maxSleepMs away). */
  private async armMutes(): Promise<void> {
    if (this.muteTimer !== undefined) this.timers.clearTimeout(this.muteTimer);
    this.muteTimer = undefined;
    if (!this.started) return;
    const now = this.clock.now();
    let next: Date | undefined;
    try {
      next = await nextMuteEnd(this.workspace.db, now);
    } catch (error) {
      this.log(`mutes: cannot read when the next one ends — ${errorMessage(error)}`);
    }
    if (!this.started) return;
    const target = Math.min(now.getTime() + this.maxSleepMs, next?.getTime() ?? Infinity);
    this.muteTimer = this.timers.setTimeout(() => {
      this.muteTimer = undefined;
      this.track(this.mutesEnded());
    }, Math.max(0, target - now.getTime()));
  }

  /** Mutes whose end passed since the last look: their entries are evaluated at once. */
  private async mutesEnded(): Promise<void> {
    if (!this.started) return;
    const since = this.mutesCheckedAt ?? this.clock.now();
    const now = this.clock.now();
    this.mutesCheckedAt = now;
    await this.evaluateUnmuted(since, now, []);
    await this.armMutes();
  }

  /** A mute was set, changed or lifted: lifted ones are evaluated at once, and the timer moves to the next end. */
  private mutesChanged(ended: readonly MutedRef[]): void {
    if (!this.started) return;
    this.track(
      (async () => {
        if (ended.length > 0) await this.evaluateUnmuted(undefined, undefined, ended);
        await this.armMutes();
      })(),
    );
  }

  /** Keeps mute work visible to `idle()` until it (and any work queued after it) is done; never rejects. */
  private track(work: Promise<void>): void {
    const previous = this.muteWork;
    const next: Promise<void> = Promise.all([previous, work])
      .then(() => undefined)
      .catch((error: unknown) => this.log(`mutes: ${errorMessage(error)}`))
      .finally(() => {
        if (this.muteWork === next) this.muteWork = undefined;
      });
    this.muteWork = next;
  }

  /** Each enabled job evaluates the entries of its object that a mute ending in (since, now] — or `ended` — covered. */
  private async evaluateUnmuted(since: Date | undefined, now: Date | undefined, ended: readonly MutedRef[]): Promise<void> {
    for (const scheduled of this.jobs.values()) {
      if (!scheduled.job.enabled || isReportJob(scheduled.job)) continue;
      try {
        const definition = this.workspace.object(scheduled.job.object);
        const ids = await entriesOfEndedMutes(this.workspace, definition, since && now ? { since, now } : undefined, ended);
        if (ids.length > 0) this.request(scheduled, { trigger: 'change', entryIds: new Set(ids) });
      } catch (error) {
        this.log(`job ${scheduled.job.name}: cannot find the entries whose mute ended — ${errorMessage(error)}`);
      }
    }
  }

  /** Entries created or changed: each enabled job on their object evaluates them at once (not its own changes). */
  private entriesChanged(changes: readonly EntryChange[]): void {
    if (!this.started) return;
    for (const scheduled of this.jobs.values()) {
      if (!scheduled.job.enabled || isReportJob(scheduled.job)) continue;
      const own = changedByJob(scheduled.job.name);
      const ids = new Set(changes.filter((change) => change.object === scheduled.job.object && change.by !== own).map((change) => change.entryId));
      if (ids.size > 0) this.request(scheduled, { trigger: 'change', entryIds: ids });
    }
  }
}

/** When a job outside its window next may run (now, if it is inside). */
function heldUntil(window: ActiveWindow, now: Date): Date | undefined {
  return window.isActive(now) ? undefined : window.nextStart(now);
}

function slotOf(slot: Date | undefined): { slot?: Date } {
  return slot ? { slot } : {};
}
