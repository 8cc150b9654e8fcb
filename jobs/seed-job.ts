// The seed's Step 4 monitoring job as a job definition: three escalation rules, every 30 minutes, alerting "me".
import type { CreatedBy } from './job-schema';

const open = { field: 'Status', operator: 'is_none_of', value: ['Resolved', 'Closed'] } as const;

/** The job the seed's "Every 30 minutes, check for support tickets …" instruction becomes (file data for saveJob). */
export function seedEscalationJob(createdBy: CreatedBy, options: { name?: string; timezone?: string } = {}) {
  return {
    name: options.name ?? 'support-escalation',
    description: 'The seed\'s escalation criteria: P1 without first response after 30 minutes, Enterprise P2 after 4 hours, anything unresolved after 48 hours.',
    schedule: '*/30 * * * *',
    ...(options.timezone ? { timezone: options.timezone } : {}),
    object: 'support_tickets',
    created_by: createdBy,
    enabled: true,
    rules: [
      {
        name: 'p1-no-first-response',
        when: {
          all: [
            { field: 'Priority', operator: 'is', value: 'P1 - Critical' },
            { field: 'First Response Date', operator: 'is_empty' },
            { field: 'Opened Date', operator: 'older_than', value: '30m' },
            open,
          ],
        },
        then: [{ escalate: { tier: 'Tier 2 - Engineering' } }, { notify: { to: ['me'], template: 'escalation' } }],
      },
      {
        name: 'p2-enterprise-4h',
        when: {
          all: [
            { field: 'Priority', operator: 'is', value: 'P2 - High' },
            { field: 'Customer.Account Tier', operator: 'is', value: 'Enterprise' },
            { field: 'Opened Date', operator: 'older_than', value: '4h' },
            open,
          ],
        },
        then: [{ escalate: { tier: 'Tier 1 - Support Lead' } }, { notify: { to: ['me'], template: 'escalation' } }],
      },
      {
        name: 'unresolved-48h',
        when: {
          all: [
            { field: 'Opened Date', operator: 'older_than', value: '48h' },
            { field: 'Resolved Date', operator: 'is_empty' },
            open,
          ],
        },
        then: [{ escalate: { tier: 'Tier 3 - Executive' } }, { notify: { to: ['me'], template: 'escalation' } }],
      },
    ],
  };
}
