// The system prompt: the stable instructions in prompts/system.md and the live workspace (objects, fields,
// options, views, jobs, now and time zone), rebuilt for every turn.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../objects/files';
import { formatTime } from '../objects/values';
import type { Workspace } from '../objects/workspace';
import { summarizeWorkspace, type WorkspaceSummary } from '../tools/describe-workspace';

let instructions: string | undefined;

/** The stable part, read once from prompts/system.md. */
export function stableInstructions(): string {
  instructions ??= readFileSync(join(packageRoot(), 'prompts', 'system.md'), 'utf8').trim();
  return instructions;
}

/** Both parts of the system prompt for the workspace as it is now. */
export async function buildSystemPrompt(workspace: Workspace): Promise<{ stable: string; live: string }> {
  return { stable: stableInstructions(), live: liveWorkspaceText(await summarizeWorkspace(workspace), workspace) };
}

/** The live workspace as compact text the model reads. */
export function liveWorkspaceText(summary: WorkspaceSummary, workspace: Workspace): string {
  const now = workspace.clock.now();
  const lines = [
    `Now: ${formatTime(now, workspace.timeZone)} (${workspace.timeZone}), ${now.toLocaleDateString('en-US', { weekday: 'long', timeZone: workspace.timeZone })}.`,
    `Workspace: ${summary.name}.`,
    '',
    'Objects (SQL view v_<name>; fields as name: type):',
  ];
  for (const object of summary.objects) {
    lines.push(`- ${object.name} (${object.entries} entries, named by ${object.display_field}${object.kanban_field ? `, board on ${object.kanban_field}` : ''})`);
    for (const field of object.fields) {
      const detail = field.options ? ` [${field.options.join(' | ')}]` : field.related_object ? ` → ${field.related_object}` : '';
      lines.push(`    ${field.name}: ${field.type}${detail}`);
    }
    for (const view of object.views) lines.push(`    view "${view.name}": ${JSON.stringify(view.filter ?? null)}${view.sort.length ? ` sorted by ${view.sort.map((sort) => `${sort.field} ${sort.direction}`).join(', ')}` : ''}`);
  }
  lines.push('', summary.jobs.length ? 'Monitoring jobs:' : 'Monitoring jobs: none yet.');
  for (const job of summary.jobs) {
    lines.push(`- ${job.name} on ${job.object}, ${job.schedule}${job.enabled ? '' : ' (disabled)'}${job.next_run ? `, next run ${job.next_run}` : ''}:`);
    for (const rule of job.rules) lines.push(`    ${rule}`);
  }
  for (const problem of summary.job_problems ?? []) lines.push(`- ${problem.file} does not load: ${problem.message}`);
  if (summary.roles.length) lines.push('', `Roles (notify "role:<name>"): ${summary.roles.map((role) => `${role.name} = ${role.people.join(', ')}`).join('; ')}.`);
  return lines.join('\n');
}
