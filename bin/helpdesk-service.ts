// Write-back to the help desks as a service of `escalator serve`: for each desk whose credentials are set
// (ZENDESK_SUBDOMAIN or ZENDESK_API_ROOT + ZENDESK_EMAIL + ZENDESK_API_TOKEN; INTERCOM_ACCESS_TOKEN + INTERCOM_ADMIN_ID)
// and not switched off in workspace.yaml (`helpdesk.<desk>.writeback.enabled: false`), its outbox deliverer and the
// listener that queues what escalator did to that desk's tickets.
import { intercomDeliverer } from '../channels/helpdesk/intercom-deliverer';
import { HelpdeskWriteback, type HelpdeskChannel } from '../channels/helpdesk/writeback-queue';
import { zendeskDeliverer } from '../channels/helpdesk/zendesk-deliverer';
import type { Deliverer } from '../jobs/outbox';
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

export const helpdeskService = {
  name: 'helpdesk',
  /** Registers the deliverers and starts queuing write-back, or returns undefined when no desk is configured. */
  async start(context: HelpdeskServiceContext): Promise<{ description: string; stop(): Promise<void>; writeback: HelpdeskWriteback } | undefined> {
    const deliverers = helpdeskDeliverers(context.env);
    const desks: Partial<Record<HelpdeskChannel, WritebackSettings>> = {};
    for (const desk of ['zendesk', 'intercom'] as const) {
      const deliverer = deliverers[desk];
      if (!deliverer) continue;
      const settings = writebackSettings(context.workspace, desk);
      if (!settings.enabled) {
        context.log(`help-desk write-back: ${desk} is switched off in workspace.yaml (helpdesk.${desk}.writeback.enabled: false)`);
        continue;
      }
      desks[desk] = settings;
      // Registered even for messages queued before a restart: they go out now.
      context.runtime.outbox.register(deliverer);
    }
    const names = Object.keys(desks);
    if (names.length === 0) return undefined;
    const writeback = new HelpdeskWriteback({ workspace: context.workspace, desks, log: context.log });
    writeback.start();
    return {
      description: `write-back to ${names.map((name) => (name === 'zendesk' ? 'Zendesk' : 'Intercom')).join(' and ')}`,
      writeback,
      stop: () => writeback.stop(),
    };
  },
} as const;
