// describe_workspace: the objects (fields, options, views, entry counts), jobs and roles of the workspace.
import { z } from 'zod';
import { describeObject, type ObjectDescription } from '../objects/describe-object';
import { tableName } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { listJobs } from './list-jobs';
import { defineTool } from './tool';

export interface WorkspaceSummary {
  name: string;
  timezone: string;
  objects: (ObjectDescription & { entries: number })[];
  jobs: { name: string; object?: string; report?: string; schedule: string; enabled: boolean; rules: string[]; next_run?: string }[];
  /** Job files that do not validate (they do not run until fixed). */
  job_problems?: { file: string; message: string }[];
  roles: { name: string; people: string[] }[];
}

/** The workspace as tools and the system prompt describe it. */
export async function summarizeWorkspace(workspace: Workspace): Promise<WorkspaceSummary> {
  const objects: WorkspaceSummary['objects'] = [];
  for (const definition of workspace.objects.values()) {
    const [count] = await workspace.db.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM ${tableName(definition.name)}`);
    const { name, ...rest } = describeObject(definition);
    objects.push({ name, entries: count?.count ?? 0, ...rest });
  }
  const { jobs, problems } = await listJobs(workspace);
  return {
    name: workspace.config.name,
    timezone: workspace.timeZone,
    objects,
    jobs: jobs.map((job) => ({
      name: job.name,
      ...(job.report ? { report: job.report } : { object: job.object! }),
      schedule: job.schedule,
      enabled: job.enabled,
      rules: job.rules.map((rule) => `${rule.name} (${rule.says})`),
      ...(job.next_run ? { next_run: job.next_run } : {}),
    })),
    ...(problems.length ? { job_problems: problems } : {}),
    roles: Object.entries(workspace.config.roles).map(([name, people]) => ({ name, people })),
  };
}

export function describeWorkspaceTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'describe_workspace',
    description: 'Describe the workspace: objects with their fields, enum options and saved views, entry counts, monitoring jobs and alert roles. Use when unsure what exists.',
    inputSchema: z.object({ object: z.string().optional().describe('Only this object (all when omitted)') }),
    async run(input) {
      const summary = await summarizeWorkspace(deps.workspace);
      if (!input.object) return { ...summary };
      const name = deps.workspace.object(input.object).name;
      return { ...summary, objects: summary.objects.filter((object) => object.name === name) };
    },
  });
}
