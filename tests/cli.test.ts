import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runEscalator, temporaryDir } from './helpers';

const run = promisify(execFile);

describe('the escalator command line', () => {
  const { dir, remove } = temporaryDir();
  const workspace = join(dir, 'workspace');
  const inWorkspace = (...argv: string[]) => runEscalator([...argv, '--workspace', workspace]);
  beforeAll(async () => {
    const init = await inWorkspace('init', '--demo');
    expect(init).toMatchObject({ code: 0, stdout: expect.stringContaining('support_tickets 200') });
  });
  afterAll(remove);

  it('prints the board with columns in the Status order and Escalated cards by tier then priority', async () => {
    const { code, stdout } = await inWorkspace('board');
    expect(code).toBe(0);
    const headings = stdout.split('\n').filter((line) => line.startsWith('== ')).map((line) => line.replace(/^== (.*) \(\d+\) ==$/, '$1'));
    expect(headings).toEqual(['Open', 'In Progress', 'Waiting on Customer', 'Escalated', 'Resolved', 'Closed']);
    expect(stdout).toContain('[P1] Unable to export data · Acme Corp (Enterprise) · open 47 minutes · unassigned');
  });

  it('sorts cards of a column by account tier, then priority', async () => {
    const board = JSON.parse((await inWorkspace('board', '--json')).stdout) as { columns: { option: string; cards: Record<string, string>[] }[] };
    const tiers = ['Enterprise', 'Mid-Market', 'SMB', 'Trial'];
    for (const column of board.columns) {
      const keys = column.cards.map((card) => tiers.indexOf(card['Account Tier']!) * 10 + Number(String(card.Priority).slice(1, 2)));
      expect(keys).toEqual([...keys].sort((a, b) => a - b));
    }
  });

  it('creates, updates and shows an entry with its document', async () => {
    const created = await inWorkspace('entries', 'create', 'support_tickets', 'Title=Printer on fire', 'Customer=globex industries', 'Priority=p2', 'Opened Date=2026-04-14 09:00');
    expect(created.code).toBe(0);
    const id = /created support_tickets (\w+)/.exec(created.stdout)![1]!;
    const updated = await inWorkspace('entries', 'update', 'support_tickets', id, 'Status=In Progress', 'Assigned To=Priya Patel');
    expect(updated.stdout).toContain(`${id} Status: (empty) → In Progress`);
    const doc = await runEscalator(['entries', 'doc', 'support_tickets', id, '--workspace', workspace], { stdin: '# Review\nRoot cause: toner.\n' });
    expect(doc.code).toBe(0);
    const shown = await inWorkspace('entries', 'show', 'support_tickets', id);
    expect(shown.stdout).toMatch(/Customer\s+Globex Industries/);
    expect(shown.stdout).toMatch(/Priority\s+P2 - High/);
    expect(shown.stdout).toContain('Root cause: toner.');
    const json = JSON.parse((await inWorkspace('entries', 'show', 'support_tickets', id, '--json')).stdout);
    expect(json).toMatchObject({ Title: 'Printer on fire', Status: 'In Progress', 'Opened Date': '2026-04-14T09:00:00.000Z', document: '# Review\nRoot cause: toner.\n' });
  });

  it('lists entries of a saved view', async () => {
    const rows = JSON.parse((await inWorkspace('entries', 'list', 'support_tickets', '--view', 'Open Tickets with Account Context', '--json')).stdout) as { Status: string }[];
    expect(rows.length).toBeGreaterThan(15);
    expect(rows.every((row) => ['Open', 'In Progress', 'Escalated'].includes(row.Status))).toBe(true);
  });

  it('shows object definitions as JSON', async () => {
    const list = JSON.parse((await inWorkspace('objects', 'list', '--json')).stdout) as { name: string; entries: number }[];
    expect(list.map((object) => [object.name, object.entries])).toEqual([['company', 12], ['people', 22], ['support_tickets', 201]]);
    const tickets = JSON.parse((await inWorkspace('objects', 'show', 'support_tickets', '--json')).stdout);
    expect(tickets.fields).toHaveLength(13);
    expect(tickets.views[0].name).toBe('Open Tickets with Account Context');
  });

  it('exits 2 on bad usage and 1 on failure, each with one line', async () => {
    const unknown = await inWorkspace('frobnicate');
    expect(unknown.code).toBe(2);
    const badFlag = await inWorkspace('board', '--colour');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Unknown option '--colour'/);
    const badValue = await inWorkspace('entries', 'create', 'support_tickets', 'Priority=urgent');
    expect(badValue.code).toBe(1);
    expect(badValue.stderr).toMatch(/^escalator: support_tickets: "urgent" is not an option of Priority.*\(options: P1 - Critical, P2 - High, P3 - Medium, P4 - Low\)$/);
    const ambiguous = await inWorkspace('entries', 'create', 'people', 'Full Name=Sam', 'Company=Nowhere Inc');
    expect(ambiguous.stderr).toMatch(/no company entry is named or has id "Nowhere Inc"/);
    const missing = await runEscalator(['board', '--workspace', join(dir, 'nothing-here')]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/no workspace at .*nothing-here.*run "escalator init"/) });
    expect(existsSync(join(dir, 'nothing-here', 'workspace.duckdb'))).toBe(false);
  });

  it('leaves the database free for the next process when the workspace fails to open', async () => {
    // The command line starts opening DuckDB before it reads workspace.yaml; a workspace.yaml it then refuses must not
    // leave this process holding the file (DuckDB lets one process have it).
    const other = join(dir, 'refused');
    expect((await runEscalator(['init', '--workspace', other])).code).toBe(0);
    const config = join(other, 'workspace.yaml');
    const good = readFileSync(config, 'utf8');
    writeFileSync(config, good.replace(/^timezone: .*$/m, 'timezone: Mars/Olympus_Mons'));
    const refused = await runEscalator(['objects', 'list', '--workspace', other]);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('Mars/Olympus_Mons') });
    writeFileSync(config, good);
    const binary = join(__dirname, '..', 'dist', 'bin', 'escalator.js');
    const { stdout } = await run(process.execPath, [binary, 'objects', 'list', '--json', '--workspace', other]);
    expect((JSON.parse(stdout) as { name: string }[]).map((object) => object.name)).toEqual(['company', 'people', 'support_tickets']);
  });

  it('refuses to init over an existing workspace and leaves it as it was', async () => {
    const again = await inWorkspace('init');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already a workspace/);
    expect(existsSync(join(workspace, 'workspace.duckdb'))).toBe(true);
  });

  it('runs as a real executable with ESCALATOR_NOW freezing the clock', async () => {
    const binary = join(__dirname, '..', 'dist', 'bin', 'escalator.js');
    const other = join(dir, 'second');
    const env = { ...process.env, ESCALATOR_NOW: '2026-04-14T10:00:00Z' };
    await run(process.execPath, [binary, 'init', '--demo', '--workspace', other], { env });
    const { stdout } = await run(process.execPath, [binary, 'query', '--json', `SELECT "Opened Date" FROM v_support_tickets WHERE "Title" = 'Unable to export data' AND "Customer" = 'Acme Corp' AND "Status" = 'Open'`, '--workspace', other], { env });
    expect(JSON.parse(stdout)).toEqual([{ 'Opened Date': '2026-04-14T09:13:00.000Z' }]);
  });
});
