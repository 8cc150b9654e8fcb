// Alert storms: per job run and recipient, the first `alerts.digest_after` alerts (workspace.yaml, default 5) are
// queued one by one and the rest are stored as covered by one digest message, itself an outbox row, so a first run
// over a big backlog sends a handful of messages instead of thousands, with the same exactly-once delivery.
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
  /** The job run an alert came from (alerts only): storms are counted per run and recipient. */
  runId: string | null;
  coveredBy: string | null;
}

const defaultDigestAfter = 5;

/**
 * Marks the alerts of `rows` past the limit as covered by a digest of their run and recipient (an existing one when
 * an earlier rule of the run already made it). Returns the new digest rows to insert with them, and `finish`, to run
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
  for (const row of candidates) if (finished.has(row.runId!)) row.runId = null;
  if (alerts.length === 0) return { digests: [], finish: async () => undefined };
  const limit = digestLimit(workspace);
  const runs = [...new Set(alerts.map((row) => row.runId!))];
  // What earlier inserts of the same runs (other rules) already queued, per recipient.
  const known = await sql.query<{ run_id: string; channel: string; recipient: string; standalone: number; digest: string | null }>(
    `SELECT run_id, channel, recipient,
            count(*) FILTER (WHERE covered_by IS NULL AND json_extract_string(payload, '$.kind') = 'alert')::INTEGER AS standalone,
            max(CASE WHEN json_extract_string(payload, '$.kind') = 'digest' THEN id END) AS digest
     FROM outbox WHERE run_id IN (SELECT unnest(from_json($1, '["VARCHAR"]'))) GROUP BY ALL`,
    [JSON.stringify(runs)],
  );
  const groups = new Map<string, { standalone: number; digest: string | null }>();
  for (const row of known) groups.set(groupKey(row.run_id, row.channel, row.recipient), { standalone: row.standalone, digest: row.digest });
  const digests: PreparedMessage[] = [];
  const touched = new Set<string>();
  for (const row of alerts) {
    const key = groupKey(row.runId!, row.channel, row.recipient);
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
        key: `digest/${row.runId}/${row.channel}:${row.recipient}`,
        channel: row.channel,
        recipient: row.recipient,
        name: row.name,
        text: 'digest',
        payload: { kind: 'digest', job: row.payload.job, runId: row.runId },
        state: 'pending',
        runId: row.runId,
        coveredBy: null,
      });
      group.digest = id;
    }
    row.state = 'covered';
    row.coveredBy = group.digest;
    touched.add(group.digest);
  }
  return {
    digests,
    finish: async () => {
      for (const id of touched) await writeDigest(sql, workspace, id);
    },
  };
}

function digestLimit(workspace: Workspace): number {
  const setting = (workspace.config as { alerts?: { digest_after?: unknown } }).alerts?.digest_after;
  return typeof setting === 'number' && Number.isInteger(setting) && setting >= 1 ? setting : defaultDigestAfter;
}

function groupKey(runId: string, channel: string, recipient: string): string {
  return `${runId}\u0000${channel}\u0000${recipient}`;
}

/**
 * The digest's text from the alerts it covers: how many, split by account tier, and where to see them all. Counted
 * in SQL: a first run over a big backlog covers tens of thousands of alerts, and the digest is rewritten as each
 * chunk of the run adds to it.
 */
async function writeDigest(sql: Sql, workspace: Workspace, id: string): Promise<void> {
  const [digest] = await sql.query<{ channel: string; payload: string }>('SELECT channel, payload FROM outbox WHERE id = $1', [id]);
  if (!digest) return;
  const entryOf = `json_type(payload, '$.object') = 'VARCHAR' AND json_type(payload, '$.entryId') = 'VARCHAR'`;
  const [summary] = await sql.query<{ count: number; escalated: boolean | null }>(
    `SELECT count(*)::INTEGER AS count,
            bool_and(CASE WHEN json_type(payload, '$.escalated') = 'BOOLEAN' THEN json_extract(payload, '$.escalated')::BOOLEAN ELSE starts_with(text, '🚨') END) AS escalated
     FROM outbox WHERE covered_by = $1`,
    [id],
  );
  // The objects in the order their first alert was queued, with how many alerts each (repeats included).
  const objects = await sql.query<{ object: string; count: number }>(
    `SELECT json_extract_string(payload, '$.object') AS object, count(*)::INTEGER AS count FROM outbox
     WHERE covered_by = $1 AND ${entryOf} GROUP BY 1 ORDER BY min(sequence)`,
    [id],
  );
  const counts = new Map<string, number>();
  for (const { object, count } of objects) {
    const definition = workspace.objects.get(object);
    if (!definition) continue;
    const entries = {
      sql: `SELECT json_extract_string(payload, '$.entryId') FROM outbox WHERE covered_by = $1 AND ${entryOf} AND json_extract_string(payload, '$.object') = $2`,
      params: [id, object],
      count,
    };
    for (const [label, found] of await digestGroups(sql, definition, workspace.objects, entries)) counts.set(label, (counts.get(label) ?? 0) + found);
  }
  const text = digestText({
    count: summary?.count ?? 0,
    noun: objects.length === 1 ? entryNoun(objects[0]!.object) : 'entries',
    escalated: summary?.escalated ?? true,
    groups: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    job: String((JSON.parse(digest.payload) as MessagePayload).job ?? 'a job'),
    pointer: digest.channel === 'telegram' ? '/board' : 'escalator board',
  });
  const payload = { ...(JSON.parse(digest.payload) as MessagePayload), covered: summary?.count ?? 0 };
  await sql.run('UPDATE outbox SET text = $2, payload = $3 WHERE id = $1', [id, text, JSON.stringify(payload)]);
}
