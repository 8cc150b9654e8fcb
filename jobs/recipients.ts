// Who a notification reaches: "me", "role:<name>", "person:<name>", "field:<path>" resolved to channel addresses (a
// Telegram chat, or the terminal when a person has no chat; "me" in the terminal is the chat workspace.yaml
// terminal.telegram links, when set).
import type { Row } from '../objects/database';
import { EscalatorError } from '../objects/errors';
import { resolveField } from '../objects/filter-compiler';
import { findField, tableName, quoteIdentifier } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import type { CreatedBy } from './job-schema';

/** Where one message goes. `recipient` is the channel's address (a chat id, or a person's name for the terminal). */
export interface Address {
  channel: string;
  recipient: string;
  /** The person, when known: "Sarah Chen". */
  name?: string;
}

/** Text fields that may name a person. */
const personFieldTypes = new Set(['text', 'email', 'relation', 'phone']);

/**
 * Checks that a recipient can be resolved for the job at all; throws one line saying what is wrong. `objectName`
 * undefined (a report job) refuses field: recipients, which need an entry. person: recipients are checked by
 * `knownPerson` (it reads the data).
 */
export function checkRecipient(workspace: Workspace, objectName: string | undefined, spec: string, createdBy: CreatedBy | undefined): void {
  if (spec.startsWith('person:')) {
    if (!spec.slice(7).trim()) throw new EscalatorError('person: needs a name, e.g. person:Priya Patel');
    return;
  }
  if (spec === 'me') {
    if (!createdBy) throw new EscalatorError('"me" needs created_by: { channel, chat } on the job (who "me" is)');
    return;
  }
  if (spec.startsWith('role:')) {
    const role = spec.slice(5).trim();
    const roles = workspace.config.roles;
    if (!roles[role]) {
      const known = Object.keys(roles);
      throw new EscalatorError(`role "${role}" is not in workspace.yaml roles (${known.length ? `roles: ${known.join(', ')}` : 'no roles defined'})`);
    }
    return;
  }
  const path = spec.slice(6).trim();
  if (objectName === undefined) throw new EscalatorError(`${spec}: a report has no entry to read a person from; name them with person:<name> or role:<name>`);
  const resolved = resolveField(workspace.object(objectName), path, workspace.objects);
  if (!personFieldTypes.has(resolved.field.type)) {
    throw new EscalatorError(`field:${path} is a ${resolved.field.type} field; a recipient field must hold a person's name, e-mail or a relation to people`);
  }
}

/** The address of a person named in workspace.yaml people or the people object; the terminal when they have no chat. */
export async function addressOfPerson(workspace: Workspace, name: string): Promise<Address> {
  const wanted = name.trim().toLowerCase();
  const configured = workspace.config.people.find((person) => person.name.toLowerCase() === wanted || person.email?.toLowerCase() === wanted);
  if (configured?.telegram !== undefined && configured.telegram !== '') {
    return { channel: 'telegram', recipient: String(configured.telegram), name: configured.name };
  }
  const people = workspace.objects.get('people');
  const nameField = people ? findField(people, people.displayField) : undefined;
  const telegramField = people ? findField(people, 'Telegram') : undefined;
  if (people && nameField && telegramField && telegramField.type !== 'action') {
    const rows = await workspace.db.query<{ telegram: string | null }>(
      `SELECT ${quoteIdentifier(telegramField.column)} AS telegram FROM ${tableName(people.name)} WHERE lower(${quoteIdentifier(nameField.column)}) = $1 AND ${quoteIdentifier(telegramField.column)} IS NOT NULL LIMIT 1`,
      [wanted],
    );
    const chat = rows[0]?.telegram;
    if (chat && /^-?\d+$/.test(chat.trim())) return { channel: 'telegram', recipient: chat.trim(), name: configured?.name ?? name.trim() };
  }
  const display = configured?.name ?? name.trim();
  return { channel: 'terminal', recipient: display, name: display };
}

/**
 * The people the workspace knows by name: workspace.yaml people, the people object, and the owners named on
 * companies (Account Owner, Backup Owner …) — sorted, each once.
 */
export async function knownPeople(workspace: Workspace): Promise<string[]> {
  const names = new Map<string, string>();
  const add = (name: unknown) => {
    if (typeof name !== 'string' || !name.trim()) return;
    const key = name.trim().toLowerCase();
    if (!names.has(key)) names.set(key, name.trim());
  };
  for (const person of workspace.config.people) add(person.name);
  for (const definition of workspace.objects.values()) {
    const columns = definition.fields.filter(
      (field) => (definition.name === 'people' && field.name === definition.displayField) || (field.type === 'text' && /\bowner\b/i.test(field.name)),
    );
    for (const field of columns) {
      const rows = await workspace.db.query<{ name: string }>(
        `SELECT DISTINCT ${quoteIdentifier(field.column)} AS name FROM ${tableName(definition.name)} WHERE ${quoteIdentifier(field.column)} IS NOT NULL LIMIT 1000`,
      );
      for (const row of rows) for (const name of splitNames(row.name)) add(name);
    }
  }
  return [...names.values()].sort((a, b) => a.localeCompare(b));
}

/** The person's name as the workspace spells it; throws naming the people there are when nobody is called that. */
export async function knownPerson(workspace: Workspace, name: string): Promise<string> {
  const people = await knownPeople(workspace);
  const wanted = name.trim().toLowerCase();
  const found = people.find((person) => person.toLowerCase() === wanted) ?? workspace.config.people.find((person) => person.email?.toLowerCase() === wanted)?.name;
  if (found) return found;
  const shown = people.slice(0, 20).join(', ');
  throw new EscalatorError(
    `person:${name.trim()} is nobody the workspace knows (people: ${shown || 'none'}${people.length > 20 ? ', …' : ''}); add them under people: in workspace.yaml with their telegram chat id`,
  );
}

/**
 * The address of a job's or a message's creator ("me"): their chat, except that the terminal user reaches the
 * Telegram chat workspace.yaml `terminal.telegram` links them to (read when a message is queued, so a link added
 * later applies to jobs already saved).
 */
export function addressOfCreator(workspace: Pick<Workspace, 'config'>, createdBy: CreatedBy): Address {
  const link = workspace.config.terminal?.telegram;
  if (createdBy.channel === 'terminal' && link !== undefined) return { channel: 'telegram', recipient: String(link).trim() };
  return { channel: createdBy.channel, recipient: String(createdBy.chat) };
}

/**
 * Resolves recipients for one entry. `values` holds the entry's recipient-field values by path (read by the
 * runner in its batch query). A field that is empty for this entry reaches nobody.
 */
export async function resolveRecipients(
  workspace: Workspace,
  specs: readonly string[],
  context: { createdBy?: CreatedBy | undefined; values?: Row; cache?: Map<string, Address> },
): Promise<Address[]> {
  const person = async (name: string): Promise<Address> => {
    const key = name.trim().toLowerCase();
    const cached = context.cache?.get(key);
    if (cached) return cached;
    const address = await addressOfPerson(workspace, name);
    context.cache?.set(key, address);
    return address;
  };
  const addresses: Address[] = [];
  const seen = new Set<string>();
  const add = (address: Address) => {
    const key = `${address.channel}:${address.recipient}`;
    if (seen.has(key)) return;
    seen.add(key);
    addresses.push(address);
  };
  for (const spec of specs) {
    if (spec === 'me') {
      if (context.createdBy) add(addressOfCreator(workspace, context.createdBy));
    } else if (spec.startsWith('role:')) {
      for (const name of workspace.config.roles[spec.slice(5).trim()] ?? []) add(await person(name));
    } else if (spec.startsWith('person:')) {
      add(await person(spec.slice(7)));
    } else {
      const value = context.values?.[spec];
      for (const name of splitNames(value)) add(await person(name));
    }
  }
  return addresses;
}

/** "Sarah Chen, Diego Alvarez" → both; empty → none. */
function splitNames(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  return String(value)
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** A stable key for an address, used as the ledger target and in idempotency keys. */
export function addressKey(address: Address): string {
  return `${address.channel}:${address.recipient}`;
}
