// jobs/<name>.job.yaml on disk: read, validated against the workspace (schedule, zone, fields, tiers, recipients),
// written atomically; nothing is saved when anything is wrong.
import { existsSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { z } from 'zod';
import { coerceValue } from '../objects/entries';
import { DefinitionError, EscalatorError, errorMessage } from '../objects/errors';
import { compileFilter, SqlParameters } from '../objects/filter-compiler';
import { stageFile } from '../objects/files';
import { parseYaml } from '../objects/object-files';
import { pathInside } from '../objects/safe-path';
import { findField } from '../objects/object-schema';
import { matchOption } from '../objects/values';
import type { Workspace } from '../objects/workspace';
import { isTimeZone } from '../objects/workspace-config';
import { templatePlaceholders } from './alert';
import { isReportJob, type JobDefinition, jobFileSchema, type ReportSpec } from './job-schema';
import { checkRecipient, knownPerson } from './recipients';
import { reportSql } from './report-period';
import { runReadOnlyQuery } from '../objects/read-only-query';
import { parseSchedule } from './schedule';
import { attachCalendar } from './sla-config';

/** The file of a job, relative to the workspace: what error messages name. */
export function jobFileLabel(name: string): string {
  return `jobs/${name}.job.yaml`;
}

/** jobs/<name>.job.yaml; a name that would leave jobs/ is refused (see objects/safe-path). */
function jobPath(workspace: Workspace, name: string): string {
  return pathInside(workspace.path('jobs'), name, { kind: 'job', suffix: '.job.yaml' });
}

export type JobsListener = (change: { job: string; kind: 'saved' | 'deleted' }) => void;
const listeners = new WeakMap<Workspace, Set<JobsListener>>();

/** Subscribes to job files saved or deleted through this module (the scheduler reloads). Returns the unsubscriber. */
export function onJobsChanged(workspace: Workspace, listener: JobsListener): () => void {
  let set = listeners.get(workspace);
  if (!set) listeners.set(workspace, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

function announce(workspace: Workspace, job: string, kind: 'saved' | 'deleted'): void {
  for (const listener of listeners.get(workspace) ?? []) listener({ job, kind });
}

/** The first problem of a zod error as "path: message". */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.join('.');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path ? `${path}: ` : ''}${issue.message}${more}`;
}

/**
 * Validates job data against the workspace and returns the definition (timezone filled in). Throws a
 * DefinitionError naming the file, the path in it and what was expected.
 */
export async function validateJob(workspace: Workspace, data: unknown, label?: string): Promise<JobDefinition> {
  const parsed = jobFileSchema.safeParse(data);
  const file = label ?? jobFileLabel(typeof (data as { name?: unknown })?.name === 'string' ? (data as { name: string }).name : 'job');
  if (!parsed.success) throw new DefinitionError(file, firstIssue(parsed.error));
  const job: JobDefinition = { ...parsed.data, timezone: parsed.data.timezone ?? workspace.timeZone };
  workspace.calendar ??= attachCalendar(workspace);
  const fail = (path: string, error: unknown): never => {
    throw new DefinitionError(file, `${path}: ${errorMessage(error)}`, { cause: error });
  };
  if (!isTimeZone(job.timezone!)) fail('timezone', new EscalatorError(`unknown time zone "${job.timezone}"; use an IANA name like Europe/London`));
  try {
    parseSchedule(job.schedule, job.timezone!);
  } catch (error) {
    fail('schedule', error);
  }
  if (isReportJob(job)) {
    await validateReport(workspace, job, fail);
    return job;
  }
  if (!workspace.objects.has(job.object)) {
    fail('object', new EscalatorError(`unknown object "${job.object}" (objects: ${[...workspace.objects.keys()].join(', ')})`));
  }
  const definition = workspace.object(job.object);
  const names = new Set<string>();
  for (const [index, rule] of job.rules.entries()) {
    const at = `rules.${index}`;
    if (names.has(rule.name)) fail(`${at}.name`, new EscalatorError(`rule name "${rule.name}" is used twice`));
    names.add(rule.name);
    try {
      compileFilter(definition, rule.when, workspace.compileContext(), new SqlParameters());
    } catch (error) {
      fail(`${at}.when`, error);
    }
    for (const [actionIndex, action] of rule.then.entries()) {
      const path = `${at}.then.${actionIndex}`;
      try {
        if ('escalate' in action) {
          const field = findField(definition, action.escalate.field ?? 'Escalation Tier');
          if (!field || field.type !== 'enum') {
            throw new EscalatorError(`${job.object} has no enum field "${action.escalate.field ?? 'Escalation Tier'}" to escalate (give escalate.field)`);
          }
          action.escalate.tier = matchOption(field, action.escalate.tier);
        } else if ('set' in action) {
          for (const [name, value] of Object.entries(action.set)) {
            const field = findField(definition, name);
            if (!field) throw new EscalatorError(`unknown field "${name}" on ${job.object} (fields: ${definition.fields.map((candidate) => candidate.name).join(', ')})`);
            if (field.type === 'action') throw new EscalatorError(`${field.name} is an action field and cannot be set`);
            if (field.type === 'enum' && value !== null) action.set[name] = matchOption(field, value);
            else await coerceValue(workspace.db, workspace, field, value, workspace.valueContext());
          }
        } else {
          for (const spec of action.notify.to) checkRecipient(workspace, job.object, spec, job.created_by);
          action.notify.to = await canonicalPeople(workspace, action.notify.to);
          for (const placeholder of templatePlaceholders(action.notify.template)) {
            if (!findField(definition, placeholder)) {
              compileFilter(definition, { field: placeholder, operator: 'is_not_empty' }, workspace.compileContext(), new SqlParameters());
            }
          }
        }
      } catch (error) {
        fail(path, error);
      }
    }
  }
  return job;
}

/** person:<name> recipients checked against the people the workspace knows, and spelled as it spells them. */
async function canonicalPeople(workspace: Workspace, specs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const spec of specs) out.push(spec.startsWith('person:') ? `person:${await knownPerson(workspace, spec.slice(7))}` : spec);
  return out;
}

/** A report job: recipients that need no entry, and its SQL runs read-only as it is (so a typo fails at save time). */
async function validateReport(workspace: Workspace, job: JobDefinition & { report: ReportSpec }, fail: (path: string, error: unknown) => never): Promise<void> {
  const { report } = job;
  for (const [index, spec] of report.to.entries()) {
    try {
      checkRecipient(workspace, undefined, spec, job.created_by);
    } catch (error) {
      fail(`report.to.${index}`, error);
    }
  }
  try {
    report.to = await canonicalPeople(workspace, report.to);
  } catch (error) {
    fail('report.to', error);
  }
  if (report.sql !== undefined) {
    try {
      const now = workspace.clock.now();
      await runReadOnlyQuery(workspace.db, reportSql(report.sql, { start: now, end: now }), { maxRows: 1 });
    } catch (error) {
      fail('report.sql', error);
    }
  }
  if (report.sql !== undefined && report.chart === true) {
    fail('report.chart', new EscalatorError('a SQL report\'s chart is a Vega-Lite spec such as {mark: bar, encoding: {x: {field: customer, type: nominal}, y: {field: escalations, type: quantitative}}}'));
  }
  if (typeof report.chart === 'object' && 'data' in report.chart) fail('report.chart', new EscalatorError('give the chart data as report.sql, not in chart.data'));
}

/** YAML text of a job, in the file's key order (a report job has no object or rules to write). */
export function dumpJob(job: JobDefinition): string {
  const plain = JSON.parse(JSON.stringify(job)) as Partial<JobDefinition>;
  if (isReportJob(job)) {
    delete plain.object;
    delete plain.rules;
  }
  return dump(plain, { lineWidth: 120, noRefs: true });
}

/** Validates and writes jobs/<name>.job.yaml atomically; replaces a job of the same name. Nothing is written on error. */
export async function saveJob(workspace: Workspace, data: unknown): Promise<JobDefinition> {
  const job = await validateJob(workspace, data);
  stageFile(jobPath(workspace, job.name), dumpJob(job)).commit();
  announce(workspace, job.name, 'saved');
  return job;
}

/** Reads and validates one job file. */
export async function readJob(workspace: Workspace, name: string): Promise<JobDefinition> {
  const path = jobPath(workspace, name);
  if (!existsSync(path)) throw new EscalatorError(`no job named "${name}" (jobs: ${jobNames(workspace).join(', ') || 'none'})`);
  const label = jobFileLabel(name);
  const job = await validateJob(workspace, parseYaml(readFileSync(path, 'utf8'), label), label);
  if (job.name !== name) throw new DefinitionError(label, `name is "${job.name}" but the file is ${label}; make them the same`);
  return job;
}

/** The job names that have files, sorted. */
export function jobNames(workspace: Workspace): string[] {
  const dir = workspace.path('jobs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.job.yaml') && !file.startsWith('.'))
    .map((file) => file.slice(0, -'.job.yaml'.length))
    .sort();
}

export interface JobProblem {
  job: string;
  file: string;
  message: string;
}

/** Every job file: the valid jobs, and one line per file that does not validate (so one bad file stops nothing). */
export async function loadJobsReport(workspace: Workspace): Promise<{ jobs: JobDefinition[]; problems: JobProblem[] }> {
  const jobs: JobDefinition[] = [];
  const problems: JobProblem[] = [];
  for (const name of jobNames(workspace)) {
    try {
      jobs.push(await readJob(workspace, name));
    } catch (error) {
      problems.push({ job: name, file: jobFileLabel(name), message: errorMessage(error) });
    }
  }
  return { jobs, problems };
}

/** Every job of the workspace; throws on the first file that does not validate. */
export async function loadJobs(workspace: Workspace): Promise<JobDefinition[]> {
  const { jobs, problems } = await loadJobsReport(workspace);
  if (problems[0]) throw new EscalatorError(problems[0].message);
  return jobs;
}

/** Deletes a job's file (its ledger and run log stay, for the audit trail). */
export async function deleteJob(workspace: Workspace, name: string): Promise<void> {
  const path = jobPath(workspace, name);
  if (!existsSync(path)) throw new EscalatorError(`no job named "${name}" (jobs: ${jobNames(workspace).join(', ') || 'none'})`);
  unlinkSync(path);
  announce(workspace, name, 'deleted');
}

/** Pauses or resumes a job (rewrites its file). */
export async function setJobEnabled(workspace: Workspace, name: string, enabled: boolean): Promise<JobDefinition> {
  const job = await readJob(workspace, name);
  return saveJob(workspace, { ...job, enabled });
}

/** Where jobs live on disk (for messages). */
export function jobsDir(workspace: Workspace): string {
  return join(workspace.dir, 'jobs');
}
