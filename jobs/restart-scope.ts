// What a job evaluates when the process starts with no slot missed: not every entry (as costly as a slot run) but
// what can have come up while it was down — entries changed since its last run (and entries related to changed ones:
// a company's tickets), thresholds crossed meanwhile, mutes that ended meanwhile; the runner adds what ingestion left
// pending past the job's mark. A job whose definition (or its object's, or the workspace settings) changed since its
// last full evaluation, or with no full evaluation on record, is evaluated in full.
import { createHash } from 'node:crypto';
import { quoteIdentifier, tableName } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { crossedBetween } from './deadlines';
import type { JobDefinition } from './job-schema';
import { entriesOfEndedMutes } from './mutes';

/** How far before the last run's start changes count as "since": a write committed just after its snapshot. */
const marginMs = 60_000;

/** What the restart run of a job evaluates. */
export type RestartScope = { full: true; reason: string } | { full: false; entryIds: string[]; since: Date; counts: { changed: number; related: number; crossed: number; unmuted: number } };

/** The fingerprint a full evaluation is recorded with: the job, its object and the workspace settings it ran under. */
export function evaluationFingerprint(workspace: Workspace, job: JobDefinition): string {
  const definition = workspace.objects.get(job.object) ?? null;
  return createHash('sha256').update(JSON.stringify({ job, definition, config: workspace.config })).digest('hex');
}

/** Records that the job just evaluated every entry (`at`: the run's start) under its current definition. */
export async function recordFullEvaluation(workspace: Workspace, job: JobDefinition, at: Date): Promise<void> {
  await workspace.db.run('UPDATE job_state SET full_evaluated_at = $2::TIMESTAMPTZ, evaluated_fingerprint = $3 WHERE job = $1', [job.name, at, evaluationFingerprint(workspace, job)]);
}

/** The entries the restart run of `job` must evaluate at `now`, or a full evaluation and why. */
export async function restartScope(workspace: Workspace, job: JobDefinition, now: Date): Promise<RestartScope> {
  // The mark is the start of the job's last run that worked: a failed run evaluated nothing.
  const [state] = await workspace.db.query<{ last_ok: Date | null; failing: boolean; full_evaluated_at: Date | null; evaluated_fingerprint: string | null }>(
    `SELECT (SELECT max(started_at) FROM job_runs WHERE job = $1 AND error IS NULL) AS last_ok, failing, full_evaluated_at, evaluated_fingerprint
     FROM job_state WHERE job = $1`,
    [job.name],
  );
  if (!state?.last_ok || !state.full_evaluated_at) return { full: true, reason: 'no full evaluation on record' };
  if (state.failing) return { full: true, reason: 'its last run failed' };
  if (state.evaluated_fingerprint !== evaluationFingerprint(workspace, job)) return { full: true, reason: 'its definition changed since its last full evaluation' };
  const since = new Date(state.last_ok.getTime() - marginMs);
  const definition = workspace.object(job.object);
  const ids = new Set<string>();
  const changed = await workspace.db.query<{ id: string }>(`SELECT id FROM ${tableName(definition.name)} WHERE updated_at > $1::TIMESTAMPTZ`, [since]);
  for (const row of changed) ids.add(row.id);
  let related = 0;
  for (const field of definition.fields) {
    if (field.type !== 'relation' || field.multiple || !field.relatedObject || !workspace.objects.has(field.relatedObject)) continue;
    const rows = await workspace.db.query<{ id: string }>(
      `SELECT e.id FROM ${tableName(definition.name)} AS e JOIN ${tableName(workspace.object(field.relatedObject).name)} AS r ON r.id = e.${quoteIdentifier(field.column)}
       WHERE r.updated_at > $1::TIMESTAMPTZ`,
      [since],
    );
    related += rows.length;
    for (const row of rows) ids.add(row.id);
  }
  const crossed = await crossedBetween(workspace, job, since, now);
  for (const id of crossed) ids.add(id);
  const unmuted = await entriesOfEndedMutes(workspace, definition, { since, now }, []);
  for (const id of unmuted) ids.add(id);
  return { full: false, entryIds: [...ids], since, counts: { changed: changed.length, related, crossed: crossed.length, unmuted: unmuted.length } };
}
