// Who a job's or a message's recipients reach, for previews: each "me", role and person resolved to a person and a
// channel, and a warning for anyone reachable only in the terminal (no Telegram chat), instead of their alerts
// quietly printing in whichever terminal runs escalator.
import { type Address, addressOfCreator, resolveRecipients } from '../jobs/recipients';
import type { CreatedBy } from '../jobs/job-schema';
import type { Workspace } from '../objects/workspace';

export interface RecipientPreview {
  /** spec → whom it reaches: "role:support_lead → Priya Patel (telegram)". */
  recipients: { spec: string; reaches: { to: string; channel: string }[] }[];
  warnings: string[];
}

/** Resolves the recipients that need no entry; field: ones are named per entry when the job runs. */
export async function previewRecipients(workspace: Workspace, specs: readonly string[], createdBy: CreatedBy | undefined): Promise<RecipientPreview> {
  const recipients: RecipientPreview['recipients'] = [];
  const warnings: string[] = [];
  const creator = createdBy ? addressOfCreator(workspace, createdBy) : undefined;
  for (const spec of [...new Set(specs)]) {
    if (spec.startsWith('field:')) {
      recipients.push({ spec, reaches: [{ to: `the person in ${spec.slice(6).trim()} of each entry`, channel: 'telegram if they have a chat, else terminal' }] });
      continue;
    }
    const addresses = await resolveRecipients(workspace, [spec], { createdBy });
    recipients.push({ spec, reaches: addresses.map((address) => ({ to: address.name ?? (spec === 'me' ? youAt(createdBy, address) : address.recipient), channel: address.channel })) });
    if (addresses.length === 0 && spec.startsWith('role:')) warnings.push(`${spec} has nobody in workspace.yaml roles, so it reaches no one`);
    for (const address of addresses) {
      const isCreator = creator !== undefined && address.channel === creator.channel && address.recipient === creator.recipient;
      if (address.channel === 'terminal' && !isCreator) warnings.push(terminalOnlyWarning(address, spec));
      if (address.channel === 'terminal' && isCreator && !warnings.includes(terminalCreatorWarning)) warnings.push(terminalCreatorWarning);
    }
  }
  return { recipients, warnings };
}

/** "you", or where the terminal user is reached when workspace.yaml links them to a Telegram chat. */
function youAt(createdBy: CreatedBy | undefined, address: Address): string {
  return createdBy?.channel === 'terminal' && address.channel === 'telegram' ? `you (Telegram chat ${address.recipient}, linked by terminal.telegram in workspace.yaml)` : 'you';
}

/** Said when "me" is the terminal user and workspace.yaml links them to no Telegram chat. */
export const terminalCreatorWarning =
  '"me" is this terminal: messages to you only print in the terminal of a running escalator chat or serve, never on Telegram. Add terminal: { telegram: <your chat id> } to workspace.yaml ("escalator pair list" shows the id) to get them on Telegram.';

/** Said when someone can be reached only in the terminal. */
export function terminalOnlyWarning(address: Address, spec?: string): string {
  const who = `${address.name ?? address.recipient}${spec && spec !== `person:${address.name}` ? ` (${spec})` : ''}`;
  return `${who} has no Telegram chat: messages to them only print in the terminal of a running escalator chat or serve. Add telegram: <chat id> to them under people: in workspace.yaml to reach them on Telegram.`;
}

/** Every recipient spec a job names (its rules' notify actions, or its report's). */
export function jobRecipientSpecs(job: { rules: readonly { then: readonly object[] }[]; report?: { to: readonly string[] } | undefined }): string[] {
  if (job.report) return [...job.report.to];
  return job.rules.flatMap((rule) => rule.then.flatMap((action) => ('notify' in action ? (action as { notify: { to: string[] } }).notify.to : [])));
}
