// Write-back to the help desks: for each desk whose credentials are set (ZENDESK_SUBDOMAIN or ZENDESK_API_ROOT +
// ZENDESK_EMAIL + ZENDESK_API_TOKEN; INTERCOM_ACCESS_TOKEN + INTERCOM_ADMIN_ID) and not switched off in workspace.yaml
// (`helpdesk.<desk>.writeback.enabled: false`), the hook that queues what escalator did to that desk's tickets in the
// change's own transaction (attached by every process that opens the workspace), and, in serve and chat, the outbox
// deliverer that sends it.
import { intercomDeliverer } from '../channels/helpdesk/intercom-deliverer';
import { HelpdeskWriteback, type HelpdeskChannel } from '../channels/helpdesk/writeback-queue';
import { zendeskDeliverer } from '../channels/helpdesk/zendesk-deliverer';
import type { Deliverer } from '../jobs/outbox';
import { ensureJobTables } from '../jobs/tables';
import { EscalatorError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { writebackSchema, type WritebackSettings } from '../objects/workspace-config';
import type { Env } from './env';

/** What the service needs from `serve` (a structural subset of its ServeContext). */
export interface HelpdeskServiceContext {
  workspace: Workspace;
  env: Env;
  runtime: { outbox: { register(deliverer: Deliverer): void } };
  log(line: string): void;
}

/** A desk's write-back settings from workspace.yaml, defaults filled in. */
export function writebackSettings(workspace: Workspace, desk: HelpdeskChannel): WritebackSettings {
  const section = workspace.config.helpdesk?.[desk]?.writeback;
  return writebackSchema.parse(section ?? {});
}

/** The deliverers whose credentials are set; half-set credentials are an error naming what is missing. */
export function helpdeskDeliverers(env: Env): Partial<Record<HelpdeskChannel, Deliverer>> {
  const deliverers: Partial<Record<HelpdeskChannel, Deliverer>> = {};
  const zendeskRoot = env.ZENDESK_API_ROOT ?? (env.ZENDESK_SUBDOMAIN ? `https://${env.ZENDESK_SUBDOMAIN}.zendesk.com` : undefined);
  const zendesk = { root: zendeskRoot, ZENDESK_EMAIL: env.ZENDESK_EMAIL, ZENDESK_API_TOKEN: env.ZENDESK_API_TOKEN };
  if (zendesk.root || zendesk.ZENDESK_EMAIL || zendesk.ZENDESK_API_TOKEN) {
    const missing = [!zendesk.root && 'ZENDESK_SUBDOMAIN (or ZENDESK_API_ROOT)', !zendesk.ZENDESK_EMAIL && 'ZENDESK_EMAIL', !zendesk.ZENDESK_API_TOKEN && 'ZENDESK_API_TOKEN'].filter(Boolean);
    if (missing.length) throw new EscalatorError(`Zendesk write-back needs ${missing.join(' and ')} as well`);
    deliverers.zendesk = zendeskDeliverer({ apiRoot: zendesk.root!, email: zendesk.ZENDESK_EMAIL!, apiToken: zendesk.ZENDESK_API_TOKEN! });
  }
  if (env.INTERCOM_ACCESS_TOKEN || env.INTERCOM_ADMIN_ID) {
    if (!env.INTERCOM_ACCESS_TOKEN || !env.INTERCOM_ADMIN_ID) {
      throw new EscalatorError(`Intercom write-back needs ${env.INTERCOM_ACCESS_TOKEN ? 'INTERCOM_ADMIN_ID (the admin notes are written as)' : 'INTERCOM_ACCESS_TOKEN'} as well`);
    }
    deliverers.intercom = intercomDeliverer({ accessToken: env.INTERCOM_ACCESS_TOKEN, adminId: env.INTERCOM_ADMIN_ID, ...(env.INTERCOM_API_ROOT ? { apiRoot: env.INTERCOM_API_ROOT } : {}) });
  }
  return deliverers;
}

/** The desks this process writes back to (credentials set, not switched off in workspace.yaml), and their deliverers. */
export function configuredDesks(workspace: Workspace, env: Env, log?: (line: string) => void): { desks: Partial<Record<HelpdeskChannel, WritebackSettings>>; deliverers: Deliverer[] } {
  const all = helpdeskDeliverers(env);
  const desks: Partial<Record<HelpdeskChannel, WritebackSettings>> = {};
  const deliverers: Deliverer[] = [];
  for (const desk of ['zendesk', 'intercom'] as const) {
    const deliverer = all[desk];
    if (!deliverer) continue;
    const settings = writebackSettings(workspace, desk);
    if (!settings.enabled) {
      log?.(`help-desk write-back: ${desk} is switched off in workspace.yaml (helpdesk.${desk}.writeback.enabled: false)`);
      continue;
    }
    desks[desk] = settings;
    deliverers.push(deliverer);
  }
  return { desks, deliverers };
}

const attached = new WeakMap<Workspace, HelpdeskWriteback>();

/**
 * Starts queuing write-back for the desks configured, in the transaction of each change (every process that opens the
 * workspace: serve, chat, and each CLI command), so a change made while no serve runs is sent when one starts.
 * Once per workspace; undefined when no desk is configured.
 */
export async function attachHelpdeskWriteback(workspace: Workspace, env: Env, log?: (line: string) => void): Promise<HelpdeskWriteback | undefined> {
  const known = attached.get(workspace);
  if (known) return known;
  const { desks } = configuredDesks(workspace, env, log);
  if (Object.keys(desks).length === 0) return undefined;
  // The outbox table exists before any change's transaction writes to it (created there, a rollback would undo it).
  await ensureJobTables(workspace.db);
  if (attached.has(workspace)) return attached.get(workspace);
  const writeback = new HelpdeskWriteback({ workspace, desks });
  writeback.start();
  attached.set(workspace, writeback);
  return writeback;
}

/** Stops queuing write-back for the workspace (serve stopping). */
async function detachHelpdeskWriteback(workspace: Workspace): Promise<void> {
  const writeback = attached.get(workspace);
  attached.delete(workspace);
  await writeback?.stop();
}

/** Registers the deliverers of the configured desks on a running outbox (serve, chat): they send what is queued. */
export function registerHelpdeskDeliverers(outbox: { register(deliverer: Deliverer): void }, workspace: Workspace, env: Env, log?: (line: string) => void): string[] {
  const { desks, deliverers } = configuredDesks(workspace, env, log);
  // Registered even for messages queued before a restart or by a CLI command while nothing ran: they go out now.
  for (const deliverer of deliverers) outbox.register(deliverer);
  return Object.keys(desks).map((name) => (name === 'zendesk' ? 'Zendesk' : 'Intercom'));
}

export const helpdeskService = {
  name: 'helpdesk',
  /** Registers the deliverers and starts queuing write-back, or returns undefined when no desk is configured. */
  async start(context: HelpdeskServiceContext): Promise<{ description: string; stop(): Promise<void>; writeback: HelpdeskWriteback } | undefined> {
    const names = registerHelpdeskDeliverers(context.runtime.outbox, context.workspace, context.env, context.log);
    const writeback = names.length === 0 ? undefined : await attachHelpdeskWriteback(context.workspace, context.env);
    if (!writeback) return undefined;
    return {
      description: `write-back to ${names.join(' and ')}`,
      writeback,
      stop: () => detachHelpdeskWriteback(context.workspace),
    };
  },
} as const;
