// Offline: saved views. The seed's Step 3 ("Build a view that shows open tickets with account context:" and its
// YAML, indented or flattened) and plain requests ("create a view called Hot P1s of open P1 tickets from Enterprise
// accounts sorted by opened date").
import { readYaml } from '../../objects/yaml-file';
import { normalizeFilter, type Filter } from '../../objects/filter';
import { findField } from '../../objects/object-schema';
import { errorMessage } from '../../objects/errors';
import { filterWords } from '../../tools/job-words';
import { parseConditions } from './conditions';
import { entityNames } from './entities';
import { mentionedObjects } from './object-mention';
import { callTool, reply, sayBack, type IntentResult, type Turn } from './turn';
import { vocabularyOf } from './vocabulary';
import { cleanText } from './words';

interface ViewSpec {
  name: string;
  filter?: unknown;
  sort?: { field: string; direction: 'asc' | 'desc' }[];
  columns?: string[];
}

export function looksLikeView(text: string): boolean {
  return (/\bviews?\b/i.test(text) && /\b(create|build|make|save|add|set\s+up|define|new)\b/i.test(text)) || /^\s*(?:an?\s+)?(?:saved\s+)?view\s+(?:of|for|with|showing|listing|called|named)\b/i.test(text) || /^\s*-?\s*name:\s*.+\n[\s\S]*\bfilters?:/im.test(text);
}

export async function viewIntent(turn: Turn, original: string): Promise<IntentResult> {
  const text = cleanText(original);
  const yamlStart = text.search(/^\s*-?\s*name\s*:/im);
  let spec: ViewSpec | undefined;
  let intro = text;
  if (yamlStart >= 0) {
    intro = text.slice(0, yamlStart);
    const parsed = viewFromYaml(text.slice(yamlStart));
    if (typeof parsed === 'string') return reply(`${parsed}. Nothing was saved.`);
    spec = parsed;
  }
  const objectName = chooseObject(turn, intro, spec) ?? (spec ? undefined : await objectFromWords(turn, intro));
  if (!objectName) return { kind: 'ask', question: `Which object is the view on? (objects: ${[...turn.workspace.objects.keys()].join(', ')})`, resume: (answer) => `${original}\n(on ${answer.trim()})` };
  if (!spec) {
    const parsed = await viewFromWords(turn, intro, objectName);
    if (parsed.kind !== 'view') return parsed.result;
    spec = parsed.spec;
  }
  let filter: Filter | undefined;
  try {
    filter = spec.filter === undefined ? undefined : normalizeFilter(spec.filter);
  } catch (error) {
    return reply(`The view's filter is not valid: ${errorMessage(error)}. Nothing was saved.`);
  }
  const input: Record<string, unknown> = { object: objectName, name: spec.name };
  if (filter) input.filter = filter;
  if (spec.sort?.length) input.sort = spec.sort;
  if (spec.columns?.length) input.columns = spec.columns;
  const name = spec.name;
  const sortWords = (spec.sort ?? []).map((item) => `${item.field} ${item.direction}`).join(', ');
  const replaces = turn.workspace.object(objectName).views.some((view) => view.name === name);
  return sayBack(
    `the view "${name}"`,
    `I would ${replaces ? 'replace' : 'save'} the view "${name}" on ${objectName}: ${filter ? describeFilter(filter) : 'every entry'}${sortWords ? `, sorted by ${sortWords}` : ''}.`,
    () => saveView(turn, objectName, name, input, filter),
  );
}

async function saveView(turn: Turn, objectName: string, name: string, input: Record<string, unknown>, filter: Filter | undefined): Promise<IntentResult> {
  const spec = { name };
  const result = await callTool(turn, 'create_view', input);
  const sort = (result.sort as { field: string; direction: string }[]).map((item) => `${item.field} ${item.direction}`).join(', ');
  return reply(
    `${result.replaced ? 'Replaced' : 'Saved'} the view "${spec.name}" on ${objectName}: ${filter ? describeFilter(filter) : 'every entry'}${sort ? `, sorted by ${sort}` : ''}. It shows ${String(result.matching_now)} ${objectName.replace(/_/g, ' ')} right now.`,
  );
}

function describeFilter(filter: Filter): string {
  return filterWords(filter);
}

/**
 * The object a view in words is on when no object is named: the one whose own fields and options read the most of
 * its conditions ("open P1s" → support_tickets by Status and Priority), when exactly one reads most.
 */
async function objectFromWords(turn: Turn, text: string): Promise<string | undefined> {
  const words = text.replace(namedPattern, ' ').replace(/\b(?:sorted|ordered|sort(?:ed)?)\s+by\s+.+?(?=[.;,]|$)/i, ' ');
  const scored: { name: string; score: number }[] = [];
  for (const definition of turn.workspace.objects.values()) {
    const vocabulary = vocabularyOf(definition, turn.workspace.objects);
    const parsed = parseConditions(words, vocabulary, { now: turn.workspace.clock.now(), timeZone: turn.workspace.timeZone, entities: await entityNames(turn.workspace, definition.name), lenient: true });
    scored.push({ name: definition.name, score: parsed.conditions.length * 2 - parsed.leftovers.length });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored[0] && scored[0].score > 0 && (scored.length === 1 || scored[1]!.score < scored[0].score) ? scored[0].name : undefined;
}

const namedPattern = /\b(?:called|named|titled|(?:call|name)\s+it)\s+["']([^"']+)["']|["']([^"']+)["']|\b(?:called|named|titled|(?:call|name)\s+it)\s+(.+?)(?=\s+(?:that|which|showing|of|for|with|listing|to\s+show|sorted|ordered)\b|\s+on\s+(?:the\s+)?(?:compan\w*|accounts?|tickets?|people|contacts?)\b|[,:]|$)/i;

function chooseObject(turn: Turn, intro: string, spec: ViewSpec | undefined): string | undefined {
  const mentioned = mentionedObjects(turn.workspace, intro);
  if (mentioned[0]) return mentioned[0];
  if (!spec) return undefined;
  const fields = [...JSON.stringify(spec.filter ?? {}).matchAll(/"field":"([^"]+)"/g)].map((match) => match[1]!.split('.')[0]!);
  fields.push(...(spec.sort ?? []).map((item) => item.field));
  const candidates = [...turn.workspace.objects.values()].filter((definition) => fields.every((field) => findField(definition, field)));
  return candidates.length === 1 ? candidates[0]!.name : undefined;
}

/** The view block as YAML (indented), or as the seed prints it with the indentation lost. */
export function viewFromYaml(block: string): ViewSpec | string {
  try {
    const data = readYaml(block, { file: 'the view block' });
    const item = (Array.isArray(data) ? data[0] : data) as Record<string, unknown> | undefined;
    if (item && typeof item === 'object' && typeof item.name === 'string' && (item.filters !== undefined || item.filter !== undefined || item.sort !== undefined)) {
      return specFrom(item);
    }
  } catch {
    // Flattened YAML does not parse: read it line by line below.
  }
  return flatView(block);
}

function specFrom(item: Record<string, unknown>): ViewSpec {
  const spec: ViewSpec = { name: String(item.name) };
  const filter = item.filters ?? item.filter;
  if (filter !== undefined) spec.filter = filter;
  if (Array.isArray(item.sort)) {
    spec.sort = item.sort.map((entry) => {
      const record = entry as Record<string, unknown>;
      return { field: String(record.field), direction: String(record.direction ?? 'asc').toLowerCase() === 'desc' ? 'desc' : 'asc' };
    });
  }
  if (Array.isArray(item.columns)) spec.columns = item.columns.map(String);
  return spec;
}

/** "- name: X / filters: / - field: Status / operator: in / values: [a, b] / sort: / - field: Priority / direction: asc". */
function flatView(block: string): ViewSpec | string {
  let name: string | undefined;
  let section: 'top' | 'filters' | 'sort' | 'columns' = 'top';
  const filters: Record<string, unknown>[] = [];
  const sort: { field: string; direction: 'asc' | 'desc' }[] = [];
  const columns: string[] = [];
  for (const raw of block.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const match = /^(-\s*)?([a-z_]+)\s*:\s*(.*)$/i.exec(line);
    if (!match) {
      if (section === 'columns' && /^-\s*(.+)$/.test(line)) columns.push(line.replace(/^-\s*/, ''));
      else return `I cannot read the line "${line}" of the view`;
      continue;
    }
    const [, dash, key, value] = match as unknown as [string, string | undefined, string, string];
    const lowerKey = key.toLowerCase();
    if (lowerKey === 'name' && section === 'top') name = unquote(value);
    else if (lowerKey === 'filters' || lowerKey === 'filter') section = 'filters';
    else if (lowerKey === 'sort') section = 'sort';
    else if (lowerKey === 'columns') section = 'columns';
    else if (section === 'filters') {
      if (dash || filters.length === 0) filters.push({});
      filters[filters.length - 1]![lowerKey] = listValue(value);
    } else if (section === 'sort') {
      if (dash || sort.length === 0) sort.push({ field: '', direction: 'asc' });
      const last = sort[sort.length - 1]!;
      if (lowerKey === 'field') last.field = unquote(value);
      else if (lowerKey === 'direction') last.direction = /desc/i.test(value) ? 'desc' : 'asc';
      else return `the view's sort has an unknown key "${key}" (use field and direction)`;
    } else return `the view has an unknown key "${key}"`;
  }
  if (!name) return 'the view has no name (name: …)';
  const spec: ViewSpec = { name };
  if (filters.length) spec.filter = filters;
  if (sort.length) spec.sort = sort;
  if (columns.length) spec.columns = columns;
  return spec;
}

function unquote(value: string): string {
  return value.trim().replace(/^["']|["']$/g, '');
}

function listValue(value: string): unknown {
  const trimmed = value.trim();
  if (/^\[.*\]$/.test(trimmed)) return trimmed.slice(1, -1).split(',').map((item) => unquote(item)).filter(Boolean);
  return unquote(trimmed);
}

/** "a view called Hot P1s showing open P1 tickets from Enterprise accounts, sorted by opened date (newest first)". */
async function viewFromWords(turn: Turn, text: string, objectName: string): Promise<{ kind: 'view'; spec: ViewSpec } | { kind: 'other'; result: IntentResult }> {
  const named = namedPattern.exec(text);
  if (!named) {
    return { kind: 'other', result: { kind: 'ask', question: 'What should the view be called? (say: called "Hot P1s")', resume: (answer) => `${text} called "${answer.trim().replace(/^(?:call\s+it|name\s+it|it'?s|called|named)\s+/i, '').replace(/^["']|["']$/g, '')}"` } };
  }
  const name = (named[1] ?? named[2] ?? named[3])!.trim();
  let rest = text.replace(named[0], ' ');
  const sort: { field: string; direction: 'asc' | 'desc' }[] = [];
  const definition = turn.workspace.object(objectName);
  const sortMatch = /\b(?:sorted|ordered|sort(?:ed)?)\s+by\s+(.+?)(?=[.;]|$)/i.exec(rest);
  if (sortMatch) {
    for (const part of sortMatch[1]!.split(/\s*,\s*|\s+then\s+(?:by\s+)?|\s+and\s+(?:then\s+)?(?:by\s+)?/i).filter((item) => item.trim())) {
      const direction: 'asc' | 'desc' = /\b(desc|descending|newest\s+first|latest\s+first|highest\s+first|largest\s+first)\b/i.test(part) ? 'desc' : 'asc';
      const fieldName = part.replace(/\(.*?\)|\b(asc|ascending|desc|descending|newest|oldest|latest|earliest|highest|lowest|largest|smallest)\s*(first)?\b/gi, '').trim();
      // "sorted by oldest first": by the date the entry was opened (or created), oldest first.
      const byAge = !fieldName && /\b(?:newest|oldest|latest|earliest)\b/i.test(part) ? vocabularyOf(definition, turn.workspace.objects).opened ?? definition.fields.find((candidate) => candidate.type === 'date') : undefined;
      const field = byAge ?? findField(definition, fieldName);
      if (!field) return { kind: 'other', result: reply(`${objectName} has no field "${fieldName}" to sort by (fields: ${definition.fields.map((candidate) => candidate.name).join(', ')}). Nothing was saved.`) };
      sort.push({ field: field.name, direction });
    }
    rest = rest.replace(sortMatch[0], ' ');
  }
  const columns: string[] = [];
  if (/\bwith\s+(?:the\s+)?account\s+context\b/i.test(rest)) {
    const vocabulary = vocabularyOf(definition, turn.workspace.objects);
    const account = vocabulary.account;
    const related = account ? turn.workspace.objects.get(account.relatedObject ?? '') : undefined;
    if (account && related) {
      for (const wanted of ['Account Tier', 'Contract Value', 'Health', 'Renewal Date', 'Account Owner']) {
        const field = findField(related, wanted);
        if (field) columns.push(`${account.name}.${field.name}`);
      }
    }
    rest = rest.replace(/\bwith\s+(?:the\s+)?account\s+context\b/i, ' ');
  }
  rest = rest.replace(/\b(?:create|build|make|save|add|set\s+up|define|new)\s+(?:me\s+)?(?:an?\s+|the\s+|new\s+)*(?:[a-z_]+\s+)?(?:saved\s+)?view\b/gi, ' ').replace(/^\s*(?:an?\s+)?(?:saved\s+)?view\b/i, ' ').replace(/\b(?:that|which)\s+(?:shows?|lists?)\b|\b(?:showing|listing|to\s+show|of|for)\b/gi, ' ');
  const vocabulary = vocabularyOf(definition, turn.workspace.objects);
  const parsed = parseConditions(rest, vocabulary, { now: turn.workspace.clock.now(), timeZone: turn.workspace.timeZone, entities: await entityNames(turn.workspace, objectName), lenient: true });
  if (parsed.leftovers.length) {
    return { kind: 'other', result: reply(`I did not understand ${parsed.leftovers.map((word) => `"${word}"`).join(', ')} in that view. Nothing was saved. Say it like: create a view called "Hot P1s" of open P1 tickets from Enterprise accounts sorted by Opened Date.`) };
  }
  const spec: ViewSpec = { name };
  if (parsed.conditions.length) spec.filter = { all: parsed.conditions };
  if (sort.length) spec.sort = sort;
  if (columns.length) spec.columns = columns;
  return { kind: 'view', spec };
}

const deleteView = /^(?:please\s+|pls\s+|can\s+you\s+|could\s+you\s+)?(?:delete|remove|drop|get\s+rid\s+of|trash|kill|discard)\s+(?:the\s+|my\s+|our\s+|that\s+)?(?:saved\s+)?(?:view\s+(?:called\s+|named\s+)?)?["'“]?([^"'”]+?)["'”]?(?:\s+(?:saved\s+)?view)?(?:\s+(?:please|for\s+good))?\s*[.!]?$/i;

/** "delete the p1 queue view": said back, and on "yes" the object is saved without it. Undefined when not a view's deletion. */
export async function deleteViewIntent(turn: Turn, text: string): Promise<IntentResult | undefined> {
  if (!/\bviews?\b/i.test(text)) return undefined;
  const match = deleteView.exec(text.trim());
  if (!match) return undefined;
  const wanted = match[1]!.trim().toLowerCase().replace(/\s+view$/, '');
  const found = [...turn.workspace.objects.values()].flatMap((definition) => definition.views.filter((view) => view.name.toLowerCase() === wanted).map((view) => ({ definition, view })));
  if (found.length === 0) {
    const all = [...turn.workspace.objects.values()].flatMap((definition) => definition.views.map((view) => `${view.name} (${definition.name})`));
    return reply(`There is no view "${match[1]!.trim()}" (views: ${all.join(', ') || 'none yet'}). Nothing was deleted.`);
  }
  if (found.length > 1) return reply(`Several objects have a view "${match[1]!.trim()}": ${found.map((item) => item.definition.name).join(', ')}. Say which, e.g. "delete the ${found[0]!.view.name} view on ${found[0]!.definition.name}".`);
  const { definition, view } = found[0]!;
  return {
    kind: 'confirm',
    what: `the deletion of the view "${view.name}"`,
    text: `Delete the view "${view.name}" on ${definition.name}? Its entries stay; only the saved filter goes. Reply "yes" to delete it.`,
    confirm: async () => {
      const raw = structuredClone(turn.workspace.object(definition.name).raw) as Record<string, unknown>;
      raw.views = ((raw.views as { name?: unknown }[] | undefined) ?? []).filter((candidate) => String(candidate.name).toLowerCase() !== view.name.toLowerCase());
      await turn.workspace.saveObject(raw);
      return reply(`Deleted the view "${view.name}" on ${definition.name}.`);
    },
  };
}
