// Alert storms: per burst (a storm: the scheduler's drain of one backlog, over as many runs as it takes; a run of its
// own otherwise) and recipient, the first `alerts.digest_after` alerts (workspace.yaml, default 5) are queued one by
// one and the rest are stored as covered by one digest message, itself an outbox row, so a first run over a big
// backlog sends a handful of messages instead of thousands, with the same exactly-once delivery. Later runs of the
// storm merge into its digest while that is still unsent; the outbox takes a digest only while no run of its storm is
// under way (the in-process storm registry below), so an alert is never added to a digest that already left.
import type { Sql } from '../objects/database';
import type { Workspace } from '../objects/workspace';
import { digestGroups, digestText, entryNoun } from './alert';
import type { MessagePayload, MessageState } from './outbox-message';

/** A row about to be inserted into the outbox. */
export interface PreparedMessage {
  id: string;
  key: string;
  channel: string;
  recipient: string;
  name: string | null;
  text: string;
  payload: MessagePayload;
  state: MessageState;
  /** The job run an alert came from (alerts only). */
  runId: string | null;
  /** The storm an alert belongs to (its run's, or the scheduler's drain): storms are counted per storm and recipient. */
  stormId: string | null;
  coveredBy: string | null;
}

const defaultDigestAfter = 5;

/** Storms being drained in this process, per database file: whether one of their runs is under way, since when open. */
const openStorms = new Map<string, Map<string, { running: boolean; openedAt: number }>>();
/** Digests an outbox of this process has taken for sending, per database file: no later run merges into them. */
const takenDigests = new Map<string, Set<string>>();

function storms(workspace: Workspace): Map<string, { running: boolean; openedAt: number }> {
  let map = openStorms.get(workspace.db.path);
  if (!map) openStorms.set(workspace.db.path, (map = new Map()));
  return map;
}

function taken(workspace: Workspace): Set<string> {
  let set = takenDigests.get(workspace.db.path);
  if (!set) takenDigests.set(workspace.db.path, (set = new Set()));
  return set;
}

/** A storm starts (the scheduler begins draining a job's queue): its digests wait while it goes on (see `digestMayGo`). */
export function openStorm(workspace: Workspace, stormId: string): void {
  storms(workspace).set(stormId, { running: false, openedAt: workspace.clock.now().getTime() });
}

/** A run of the storm starts or ends (its transaction committed or rolled back). */
export function stormRunning(workspace: Workspace, stormId: string, running: boolean): void {
  const storm = storms(workspace).get(stormId);
  if (storm) storm.running = running;
}

/** The storm's drain ended: its digests may go. */
export function closeStorm(workspace: Workspace, stormId: string): void {
  storms(workspace).delete(stormId);
}

/**
 * Whether the outbox may take this digest now, and if so marks it taken (synchronously, so no run that starts later
 * merges into it). Never while a run of its storm is under way; while the storm's drain goes on, it waits up to
 * `holdMs` from its creation so the runs of one burst share it. Returns the time to look again when it must wait.
 */
export function takeDigest(workspace: Workspace, digest: { id: string; stormId: string | undefined; createdAt: number }, now: number, holdMs: number): true | number {
  const storm = digest.stormId === undefined ? undefined : storms(workspace).get(digest.stormId);
  const until = digest.createdAt + holdMs;
  // The scheduler wakes the outbox when a run ends; the time returned is a safety net.
  if (storm?.running) return Math.max(until, now + 1_000);
  if (storm && now < until) return until;
  taken(workspace).add(digest.id);
  return true;
}

/**
 * Marks the alerts of `rows` past the limit as covered by a digest of their storm and recipient (an existing unsent
 * one when an earlier rule or run of the storm made it). Returns the new digest rows to insert with them, and `finish`, to run
 * after the insert, which writes each touched digest's text from everything it covers.
 */
export async function groupAlertStorms(sql: Sql, workspace: Workspace, rows: PreparedMessage[]): Promise<{ digests: PreparedMessage[]; finish: () => Promise<void> }> {
  const candidates = rows.filter((row) => row.runId !== null);
  if (candidates.length === 0) return { digests: [], finish: async () => undefined };
  // Only a run under way groups: the runner logs a run (job_runs) when it ends, so a message queued later that copies
  // an alert's payload (a snooze reminder) is not part of that run's storm.
  const finished = new Set(
    (
      await sql.query<{ id: string }>(`SELECT id FROM job_runs WHERE id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [
        JSON.stringify([...new Set(candidates.map((row) => row.runId!))]),
      ])
    ).map((row) => row.id),
  );
  const alerts = candidates.filter((row) => !finished.has(row.runId!));
  for (const row of candidates) {
    if (finished.has(row.runId!)) row.runId = row.stormId = null;
    else row.stormId ??= row.runId;
  }
  if (alerts.length === 0) return { digests: [], finish: async () => undefined };
  const limit = digestLimit(workspace);
  const stormIds = [...new Set(alerts.map((row) => row.stormId!))];
  // What earlier inserts of the same storms (other rules, earlier runs) already queued, per recipient, and the digests
  // still unsent (the outbox takes none while this run is under way; those it took before are in `taken`).
  const known = await sql.query<{ storm_id: string; channel: string; recipient: string; standalone: number; digests: string[] | null }>(
    // Only alerts and digests carry a storm id; a digest's key starts with "digest/" (no JSON read: a storm can hold
    // thousands of rows, and every run of it asks).
    `SELECT storm_id, channel, recipient,
            count(*) FILTER (WHERE covered_by IS NULL AND NOT starts_with(idempotency_key, 'digest/'))::INTEGER AS standalone,
            list(id ORDER BY sequence) FILTER (WHERE starts_with(idempotency_key, 'digest/') AND state = 'pending') AS digests
     FROM outbox WHERE storm_id IN (SELECT unnest(from_json($1, '["VARCHAR"]'))) GROUP BY ALL`,
    [JSON.stringify(stormIds)],
  );
  const gone = taken(workspace);
  const groups = new Map<string, { standalone: number; digest: string | null }>();
  for (const row of known) {
    const digest = (row.digests ?? []).filter((id) => !gone.has(id)).at(-1) ?? null;
    groups.set(groupKey(row.storm_id, row.channel, row.recipient), { standalone: row.standalone, digest });
  }
  const digests: PreparedMessage[] = [];
  const touched = new Set<string>();
  for (const row of alerts) {
    const key = groupKey(row.stormId!, row.channel, row.recipient);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { standalone: 0, digest: null }));
    if (group.standalone < limit) {
      group.standalone += 1;
      continue;
    }
    if (!group.digest) {
      const id = `m_${workspace.ids()}`;
      digests.push({
        id,
        // One storm can need several digests (the first left before the storm ended): each its own key.
        key: `digest/${row.stormId}/${row.channel}:${row.recipient}/${id}`,
        channel: row.channel,
        recipient: row.recipient,
        name: row.name,
        text: 'digest',
        payload: { kind: 'digest', job: row.payload.job, runId: row.runId, stormId: row.stormId },
        state: 'pending',
        runId: row.runId,
        stormId: row.stormId,
        coveredBy: null,
      });
      group.digest = id;
    }
    row.state = 'covered';
    row.coveredBy = group.digest;
    touched.add(group.digest);
  }
  // A digest made here gets its text now; one an earlier run made gets it when the outbox takes it (`writeDigest`),
  // so a long storm does not recount its digest in every run.
  const created = new Set(digests.map((digest) => digest.id));
  return {
    digests,
    finish: async () => {
      for (const id of touched) if (created.has(id)) await writeDigest(sql, workspace, id);
    },
  };
}

function digestLimit(workspace: Workspace): number {
  const setting = (workspace.config as { alerts?: { digest_after?: unknown } }).alerts?.digest_after;
  return typeof setting === 'number' && Number.isInteger(setting) && setting >= 1 ? setting : defaultDigestAfter;
}

function groupKey(stormId: string, channel: string, recipient: string): string {
  return `${stormId}\u0000${channel}\u0000${recipient}`;
}

/**
 * Writes the digest's text from the alerts it covers: how many, split by account tier, and where to see them all.
 * Called when the digest is made and again by the outbox when it takes the digest for sending.
 */
export async function writeDigest(sql: Sql, workspace: Workspace, id: string): Promise<void> {
  const [digest] = await sql.query<{ channel: string; payload: string }>('SELECT channel, payload FROM outbox WHERE id = $1', [id]);
  if (!digest) return;
  // Counted in SQL: a storm's digest can cover thousands of alerts and is rewritten by each run that adds to it.
  const covered = await sql.query<{ object: string | null; count: number; escalated: boolean }>(
    `SELECT json_extract_string(payload, '$.object') AS object, count(*)::INTEGER AS count,
            bool_and(CASE WHEN json_type(payload, '$.escalated') = 'BOOLEAN' THEN CAST(json_extract(payload, '$.escalated') AS BOOLEAN) ELSE starts_with(text, '🚨') END) AS escalated
     FROM outbox WHERE covered_by = $1 GROUP BY 1 ORDER BY 1`,
    [id],
  );
  const coveredCount = covered.reduce((sum, row) => sum + row.count, 0);
  const counts = new Map<string, number>();
  for (const row of covered) {
    const definition = row.object === null ? undefined : workspace.objects.get(row.object);
    if (!definition) continue;
    for (const [label, count] of await digestGroups(sql, definition, workspace.objects, { coveredBy: id })) counts.set(label, (counts.get(label) ?? 0) + count);
  }
  const objects = covered.flatMap((row) => (row.object === null ? [] : [row.object]));
  const escalated = covered.every((row) => row.escalated);
  const text = digestText({
    count: coveredCount,
    noun: objects.length === 1 ? entryNoun(objects[0]!) : 'entries',
    escalated,
    groups: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    job: String((JSON.parse(digest.payload) as MessagePayload).job ?? 'a job'),
    pointer: digest.channel === 'telegram' ? '/board' : 'escalator board',
  });
  const payload = { ...(JSON.parse(digest.payload) as MessagePayload), covered: coveredCount };
  await sql.run('UPDATE outbox SET text = $2, payload = $3 WHERE id = $1', [id, text, JSON.stringify(payload)]);
}
