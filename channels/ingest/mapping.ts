// The `ingestion:` and `helpdesk:` sections of workspace.yaml: how each help desk's priorities, statuses, topics and
// agent ids map onto support_tickets, and how unknown companies are handled. Defaults apply to whatever the file
// leaves out; `helpdesk:` tables are laid over `ingestion:` ones.
import { z } from 'zod';
import { DefinitionError, ValidationError, errorMessage } from '../../objects/errors';
import { findField } from '../../objects/object-schema';
import { matchOption } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';

const table = z.record(z.string(), z.string());

const sourceSection = z
  .object({
    priority: table.optional().describe('help desk priority (any case) → a Priority option'),
    status: table.optional().describe('help desk status (any case) → a Status option'),
  })
  .loose();

export const ingestionConfigSchema = z
  .object({
    zendesk: sourceSection.optional(),
    intercom: sourceSection
      .extend({
        topics: table.optional().describe('notification topic → the Status it sets'),
        priority_attribute: z.string().optional().describe('a conversation custom attribute holding the priority'),
      })
      .optional(),
    generic: sourceSection.optional().describe('POST /webhooks/generic and CSV imports'),
    companies: z
      .object({
        create_unknown: z.boolean().optional().describe('create a company (marked Needs Review) when none matches'),
        ignore_domains: z.array(z.string()).optional().describe('email domains that never name a company (gmail.com …)'),
      })
      .loose()
      .optional(),
  })
  .loose();

export type IngestionConfig = z.infer<typeof ingestionConfigSchema>;

// Zendesk's On-hold (waiting on a third party) stays with the team, so its clocks keep running: In Progress.
const zendeskStatus = {
  new: 'Open',
  open: 'Open',
  pending: 'Waiting on Customer',
  hold: 'In Progress',
  'on-hold': 'In Progress',
  'on hold': 'In Progress',
  solved: 'Resolved',
  closed: 'Closed',
};

/** What a new workspace gets written into workspace.yaml when ingestion is first set up. */
export const defaultIngestionConfig = {
  zendesk: {
    priority: { urgent: 'P1 - Critical', high: 'P2 - High', normal: 'P3 - Medium', low: 'P4 - Low' },
    status: zendeskStatus,
  },
  intercom: {
    priority: { priority: 'P2 - High', not_priority: 'P3 - Medium', urgent: 'P1 - Critical', high: 'P2 - High', normal: 'P3 - Medium', low: 'P4 - Low' },
    priority_attribute: 'Priority',
    status: {
      open: 'Open',
      snoozed: 'Waiting on Customer',
      closed: 'Closed',
      submitted: 'Open',
      in_progress: 'In Progress',
      waiting_on_customer: 'Waiting on Customer',
      resolved: 'Resolved',
    },
    topics: {
      'conversation.admin.snoozed': 'Waiting on Customer',
      'conversation.admin.unsnoozed': 'Open',
      'conversation.admin.closed': 'Closed',
      'conversation.admin.opened': 'Open',
    },
  },
  generic: {
    priority: { urgent: 'P1 - Critical', critical: 'P1 - Critical', high: 'P2 - High', normal: 'P3 - Medium', medium: 'P3 - Medium', low: 'P4 - Low' },
    status: zendeskStatus,
  },
  companies: {
    create_unknown: true,
    ignore_domains: ['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'yahoo.com', 'icloud.com', 'me.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com'],
  },
} satisfies IngestionConfig;

/** A lookup table with lower-case keys and option names exactly as the field spells them. */
export type OptionTable = ReadonlyMap<string, string>;

export interface SourceMapping {
  priority: OptionTable;
  status: OptionTable;
  /** Agent id → name, from `helpdesk.<desk>.agents` (empty for the generic endpoint and imports). */
  agents: ReadonlyMap<string, string>;
}

/** The mapping in force, validated against the support_tickets options. */
export interface IngestionMapping {
  zendesk: SourceMapping;
  intercom: SourceMapping & { topics: OptionTable; priorityAttribute: string | undefined };
  generic: SourceMapping;
  createUnknownCompanies: boolean;
  ignoreDomains: ReadonlySet<string>;
}

/**
 * Reads the workspace's `ingestion:` section over the defaults. A target that is not an option of its field is
 * a DefinitionError naming the key in workspace.yaml.
 */
export function readIngestionMapping(workspace: Workspace): IngestionMapping {
  const parsed = ingestionConfigSchema.safeParse(workspace.config.ingestion ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DefinitionError('workspace.yaml', `ingestion.${issue.path.join('.')}: ${issue.message}`);
  }
  const config = parsed.data;
  const tickets = workspace.object('support_tickets');
  /** One option table from layers of (table, its path in workspace.yaml), later layers winning. */
  const options = (fieldName: 'Priority' | 'Status', ...layers: [Record<string, string> | undefined, string][]): OptionTable => {
    const field = findField(tickets, fieldName);
    if (!field) throw new DefinitionError('objects/support_tickets/.object.yaml', `support_tickets needs a ${fieldName} field for ingestion`);
    const out = new Map<string, string>();
    for (const [layer, path] of layers) {
      for (const [key, target] of Object.entries(layer ?? {})) {
        try {
          out.set(key.trim().toLowerCase(), matchOption(field, target));
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          throw new DefinitionError('workspace.yaml', `${path}.${key}: ${errorMessage(error)}`);
        }
      }
    }
    return out;
  };
  const helpdesk = workspace.config.helpdesk;
  const agents = (name: 'zendesk' | 'intercom'): ReadonlyMap<string, string> =>
    new Map(Object.entries(helpdesk?.[name]?.agents ?? {}).map(([id, agent]) => [id.trim().toLowerCase(), agent.trim()]));
  const layers = (desk: 'zendesk' | 'intercom' | 'generic', kind: 'priority' | 'status'): [Record<string, string> | undefined, string][] => [
    [defaultIngestionConfig[desk][kind], `ingestion.${desk}.${kind}`],
    [config[desk]?.[kind], `ingestion.${desk}.${kind}`],
    [desk === 'generic' ? undefined : helpdesk?.[desk]?.[kind], `helpdesk.${desk}.${kind}`],
  ];
  const source = (name: 'zendesk' | 'generic'): SourceMapping => ({
    priority: options('Priority', ...layers(name, 'priority')),
    status: options('Status', ...layers(name, 'status')),
    agents: name === 'zendesk' ? agents('zendesk') : new Map(),
  });
  const intercom = defaultIngestionConfig.intercom;
  return {
    zendesk: source('zendesk'),
    generic: source('generic'),
    intercom: {
      priority: options('Priority', ...layers('intercom', 'priority')),
      status: options('Status', ...layers('intercom', 'status')),
      agents: agents('intercom'),
      topics: options('Status', [intercom.topics, 'ingestion.intercom.topics'], [config.intercom?.topics, 'ingestion.intercom.topics']),
      priorityAttribute: config.intercom?.priority_attribute ?? intercom.priority_attribute,
    },
    createUnknownCompanies: config.companies?.create_unknown ?? defaultIngestionConfig.companies.create_unknown,
    ignoreDomains: new Set((config.companies?.ignore_domains ?? defaultIngestionConfig.companies.ignore_domains).map((domain) => domain.trim().toLowerCase())),
  };
}
