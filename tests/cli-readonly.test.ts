import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dump } from 'js-yaml';
import { seedEscalationJob } from '../jobs/seed-job';
import { temporaryDir, testNow } from './helpers';

const run = promisify(execFile);
const binary = join(__dirname, '..', 'dist', 'bin', 'escalator.js');

/** The database file's content hash and modification time (nanoseconds), as `sha256sum` and `stat` see them. */
function fileState(path: string): { sha256: string; mtime: bigint } {
  return { sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), mtime: statSync(path, { bigint: true }).mtimeNs };
}

describe('read-only commands and workspace.duckdb', () => {
  const { dir, remove } = temporaryDir();
  const workspace = join(dir, 'workspace');
  const database = join(workspace, 'workspace.duckdb');
  const escalator = (...argv: string[]) => run(process.execPath, [binary, ...argv, '--workspace', workspace], { env: { ...process.env, ESCALATOR_NOW: testNow } });
  let ticket = '';
  beforeAll(async () => {
    await escalator('init', '--demo');
    writeFileSync(join(workspace, 'jobs', 'support-escalation.job.yaml'), dump(seedEscalationJob({ channel: 'telegram', chat: 42 })));
    const [row] = JSON.parse((await escalator('query', '--json', `SELECT id FROM v_support_tickets WHERE "Title" = 'Unable to export data' LIMIT 1`)).stdout) as { id: string }[];
    ticket = row!.id;
  }, 60_000);
  afterAll(remove);

  it('leaves the file byte-identical with the same mtime after each read-only command of a new demo workspace', async () => {
    const commands = [
      ['objects', 'list'],
      ['objects', 'show', 'support_tickets'],
      ['board'],
      ['query', 'SELECT count(*) FROM v_support_tickets'],
      ['entries', 'list', 'support_tickets', '--limit', '5'],
      ['entries', 'show', 'support_tickets', ticket],
      ['jobs', 'list'],
      ['jobs', 'show', 'support-escalation'],
      ['jobs', 'run', 'support-escalation', '--dry-run'],
      ['sla'],
      ['outbox'],
      ['mute', 'list'],
      ['pair', 'list'],
      ['docs', 'list'],
    ];
    const changed: string[] = [];
    for (const command of commands) {
      const before = fileState(database);
      await escalator(...command);
      const after = fileState(database);
      if (after.sha256 !== before.sha256 || after.mtime !== before.mtime) changed.push(command.join(' '));
    }
    expect(changed).toEqual([]);
    expect(existsSync(`${database}.wal`)).toBe(false);
  }, 120_000);

  it('still writes the file when a command changes an entry, and the change is there for the next command', async () => {
    const before = fileState(database);
    await escalator('entries', 'update', 'support_tickets', ticket, 'Status=In Progress');
    const after = fileState(database);
    expect(after.sha256).not.toBe(before.sha256);
    expect(after.mtime).not.toBe(before.mtime);
    const [row] = JSON.parse((await escalator('query', '--json', `SELECT "Status" FROM v_support_tickets WHERE id = '${ticket}'`)).stdout) as { Status: string }[];
    expect(row?.Status).toBe('In Progress');
  }, 60_000);
});
