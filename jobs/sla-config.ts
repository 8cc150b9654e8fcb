// The business_hours and sla sections of workspace.yaml: validated, with the seed's targets as defaults, and the
// workspace's business calendar attached so `older_than … business` compiles.
import { z } from 'zod';
import { DateTime } from 'luxon';
import { parseDuration } from '../objects/duration';
import { DefinitionError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { isTimeZone } from '../objects/workspace-config';
import { type DayHours, WorkingCalendar } from './business-calendar';

const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const shortDays: Record<string, (typeof weekdays)[number]> = { mon: 'monday', tue: 'tuesday', wed: 'wednesday', thu: 'thursday', fri: 'friday', sat: 'saturday', sun: 'sunday' };

const hoursText = z
  .union([z.string(), z.null(), z.literal(false)])
  .transform((value, context): DayHours => {
    if (value === null || value === false || /^\s*(closed|off|none|-)?\s*$/i.test(value)) return [];
    const ranges: DayHours = [];
    for (const part of value.split(',')) {
      const match = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(part);
      const from = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
      const to = match ? Number(match[3]) * 60 + Number(match[4]) : NaN;
      if (!match || from >= to || to > 1440) {
        context.addIssue({ code: 'custom', message: `expected opening hours like "09:00-17:00" (or "09:00-12:00, 13:00-17:00", or closed), got "${value}"` });
        return z.NEVER;
      }
      ranges.push([from, to]);
    }
    return ranges;
  });

const durationText = z.union([z.string(), z.number()]).transform((value, context) => {
  try {
    return parseDuration(value).milliseconds;
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export const businessHoursSchema = z
  .object({
    timezone: z.string().refine(isTimeZone, 'unknown time zone; use an IANA name like Europe/London').optional(),
    weekly: z.record(z.string(), hoursText).optional().describe('monday … sunday → "09:00-17:00" or closed'),
    holidays: z.array(z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a holiday is a date like 2026-12-25'), z.date()])).default([]),
  })
  .loose();

const targetPair = z.object({ first_response: durationText.optional(), resolution: durationText.optional() }).strict();

export const slaSchema = z
  .object({
    object: z.string().default('support_tickets'),
    hours: z.enum(['calendar', 'business']).default('calendar').describe('count targets in calendar time or business hours'),
    at_risk: z.number().gt(0).lt(1).default(0.75).describe('share of the target used from which a clock is "at risk"'),
    pause_statuses: z.array(z.string()).default(['Waiting on Customer']),
    closed_statuses: z.array(z.string()).default(['Resolved', 'Closed']),
    /** Priority option → targets. */
    targets: z.record(z.string(), targetPair).optional(),
    /** Account tier option → priority option → targets that override the defaults (the seed's SMB targets). */
    by_account_tier: z.record(z.string(), z.record(z.string(), targetPair)).optional(),
    fields: z
      .object({
        priority: z.string().default('Priority'),
        status: z.string().default('Status'),
        account_tier: z.string().default('Account Tier'),
        opened: z.string().default('Opened Date'),
        first_response: z.string().default('First Response Date'),
        resolved: z.string().default('Resolved Date'),
      })
      .default({ priority: 'Priority', status: 'Status', account_tier: 'Account Tier', opened: 'Opened Date', first_response: 'First Response Date', resolved: 'Resolved Date' }),
  })
  .loose();

const hour = 3_600_000;

/** The seed's first-response targets (Step 6, FAQ) and our resolution defaults. */
export const defaultTargets: Record<string, { first_response: number; resolution: number }> = {
  'P1 - Critical': { first_response: 0.5 * hour, resolution: 8 * hour },
  'P2 - High': { first_response: 4 * hour, resolution: 24 * hour },
  'P3 - Medium': { first_response: 24 * hour, resolution: 72 * hour },
  'P4 - Low': { first_response: 72 * hour, resolution: 168 * hour },
};
export const defaultTierOverrides: Record<string, Record<string, { first_response?: number; resolution?: number }>> = {
  SMB: { 'P1 - Critical': { first_response: 2 * hour }, 'P2 - High': { first_response: 24 * hour } },
};

export type SlaPolicy = z.infer<typeof slaSchema> & {
  targets: Record<string, { first_response?: number; resolution?: number }>;
  by_account_tier: Record<string, Record<string, { first_response?: number; resolution?: number }>>;
};

function problem(section: string, error: z.ZodError): DefinitionError {
  const issue = error.issues[0]!;
  return new DefinitionError('workspace.yaml', `${[section, ...issue.path].join('.')}: ${issue.message}`);
}

/** The SLA policy of the workspace: its `sla:` section over the seed's defaults. */
export function slaPolicy(workspace: Workspace): SlaPolicy {
  const parsed = slaSchema.safeParse(workspace.config.sla ?? {});
  if (!parsed.success) throw problem('sla', parsed.error);
  return {
    ...parsed.data,
    targets: parsed.data.targets ?? defaultTargets,
    by_account_tier: parsed.data.by_account_tier ?? (parsed.data.targets ? {} : defaultTierOverrides),
  };
}

/** The workspace's working calendar: `business_hours:` or Monday–Friday 09:00–17:00 in the workspace zone. */
export function workingCalendar(workspace: Workspace): WorkingCalendar {
  const parsed = businessHoursSchema.safeParse(workspace.config.business_hours ?? {});
  if (!parsed.success) throw problem('business_hours', parsed.error);
  const weekly: DayHours[] = Array.from({ length: 8 }, (_, index) => (index >= 1 && index <= 5 ? [[540, 1020]] : []));
  if (parsed.data.weekly) {
    for (let index = 1; index <= 7; index++) weekly[index] = [];
    for (const [key, hours] of Object.entries(parsed.data.weekly)) {
      const day = weekdays.indexOf((shortDays[key.toLowerCase().slice(0, 3)] ?? key.toLowerCase()) as (typeof weekdays)[number]);
      if (day < 0) throw new DefinitionError('workspace.yaml', `business_hours.weekly.${key}: not a weekday; use monday … sunday`);
      weekly[day + 1] = hours;
    }
  }
  const holidays = new Set(parsed.data.holidays.map((day) => (day instanceof Date ? DateTime.fromJSDate(day, { zone: 'UTC' }).toFormat('yyyy-MM-dd') : day)));
  try {
    return new WorkingCalendar({ timeZone: parsed.data.timezone ?? workspace.timeZone, weekly, holidays });
  } catch (error) {
    throw new DefinitionError('workspace.yaml', `business_hours: ${(error as Error).message}`);
  }
}

/** Attaches the working calendar to the workspace (for `older_than … business`); bin and the runtime call it. */
export function attachCalendar(workspace: Workspace): WorkingCalendar {
  const calendar = workingCalendar(workspace);
  workspace.calendar = calendar;
  return calendar;
}
