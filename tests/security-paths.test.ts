// Names from outside never become paths outside their folder; charts are bounded; workspaces are owner-only.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deleteJob } from '../jobs/job-files';
import { pathInside } from '../objects/safe-path';
import { Workspace } from '../objects/workspace';
import { renderChartTool } from '../tools/render-chart';
import { createTestWorkspace, temporaryDir, type TestWorkspace } from './helpers';

const badNames = ['../../x', '/etc/x', 'a/b', '..', 'a\u0000b', 'a\nb', '', 'x'.repeat(300)];

describe('names that become paths', () => {
  let test: TestWorkspace;
  beforeEach(async () => (test = await createTestWorkspace()));
  afterEach(async () => test.cleanup());

  it.each(badNames)('delete_job refuses %j and leaves a job file outside jobs/ alone', async (name) => {
    const canary = join(test.dir, '..', 'x.job.yaml');
    writeFileSync(canary, 'name: x\n');
    writeFileSync(join(test.dir, 'x.job.yaml'), 'name: x\n');
    await expect(deleteJob(test.workspace, name)).rejects.toThrow(/refused/);
    expect(existsSync(canary)).toBe(true);
    expect(existsSync(join(test.dir, 'x.job.yaml'))).toBe(true);
  });

  it.each(badNames)('pathInside refuses %j in one line naming what is allowed', (name) => {
    expect(() => pathInside(test.workspace.path('exports'), name, { kind: 'export' })).toThrow(/^export name .* is refused: [^\n]*; a name is one plain file name/);
  });

  it('an object name that climbs out is refused before a document or definition path is made', () => {
    expect(() => test.workspace.docsDir('../../x')).toThrow(/refused/);
    expect(() => test.workspace.objectFile('/etc')).toThrow(/refused/);
  });

  it('a plain name resolves inside its folder', () => {
    expect(pathInside(test.workspace.path('jobs'), 'support-escalation', { kind: 'job', suffix: '.job.yaml' })).toBe(join(test.dir, 'jobs', 'support-escalation.job.yaml'));
  });

  it('render_chart refuses a 40000×40000 canvas quickly, before drawing', async () => {
    const tool = renderChartTool({ workspace: test.workspace });
    const input = { title: 'big', sql: 'SELECT 1 AS x', spec: { mark: 'bar', width: 40000, height: 40000, encoding: { x: { field: 'x', type: 'quantitative' } } } };
    expect(tool.inputSchema.safeParse(input).success).toBe(false);
    const started = Date.now();
    await expect(tool.run(input as never, {} as never)).rejects.toThrow(/at most 2000 px/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(readdirSync(test.workspace.path('exports'))).toEqual([]);
  });
});

describe('workspace permissions', () => {
  it('a new workspace has 0700 folders and 0600 files even under umask 022', async () => {
    const previous = process.umask(0o022);
    const { dir, remove } = temporaryDir();
    try {
      const workspace = await Workspace.init(join(dir, 'w'), { timezone: 'UTC' });
      await workspace.close();
      const check = (path: string): void => {
        const stat = statSync(path);
        expect([path, stat.mode & 0o777]).toEqual([path, stat.isDirectory() ? 0o700 : 0o600]);
        if (stat.isDirectory()) for (const entry of readdirSync(path)) check(join(path, entry));
      };
      check(join(dir, 'w'));
      expect(existsSync(join(dir, 'w', 'workspace.duckdb'))).toBe(true);
    } finally {
      process.umask(previous);
      remove();
    }
  });
});
