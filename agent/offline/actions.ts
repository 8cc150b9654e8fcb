// Reads what should happen when a rule matches — "escalate to Tier 2", "set Status to 'Escalated'", "message me on
// Telegram with the ticket title, customer name, contract value and how long it's been open", "notify the account
// owner and backup owner" — into job actions. Unknown words are reported, never dropped.
import type { JobAction } from '../../jobs/job-schema';
import { findField } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import { tierOption, type Vocabulary } from './vocabulary';
import { escapeRegExp, splitList } from './words';

export interface ParsedActions {
  actions: JobAction[];
  leftovers: string[];
  /** Problems to tell the person (an unknown tier, a recipient that does not exist). */
  problems: string[];
  /** The person asked for a channel ("on Telegram"). */
  channel?: string;
}

const stopwords = new Set(
  'a an the and then also it them this that these those to with on in of for via by through field fields value please immediately right away automatically as well too both its it is be should would will'.split(' '),
);

/** What the default escalation alert already shows (the seed's message). */
const alertCovers: [RegExp, string][] = [
  [/^(?:the\s+)?(?:ticket\s+)?(?:title|subject|name of the ticket|ticket name)$/, 'title'],
  [/^(?:the\s+)?(?:customer|account|company|client)(?:\s+name)?$/, 'customer'],
  [/^(?:the\s+)?(?:contract|account|deal|arr|annual)\s*(?:value|size|amount)?$|^(?:the\s+)?arr$/, 'contract value'],
  [/^(?:how\s+long\s+(?:it'?s|it\s+has|they'?ve|it)\s+been\s+open|(?:the\s+)?time\s+(?:it'?s\s+been\s+)?open|(?:the\s+)?(?:age|time open|open time|duration))$/, 'time open'],
  [/^(?:the\s+)?priority$/, 'priority'],
  [/^(?:the\s+)?renewal(?:\s+date)?$/, 'renewal'],
  [/^(?:the\s+)?(?:account\s+)?health(?:\s+tier|\s+score)?$/, 'health'],
  [/^(?:the\s+)?(?:escalation\s+|account\s+)?tier$/, 'tier'],
  [/^(?:the\s+)?(?:assignee|assigned\s+(?:to|engineer|agent)|owner|who\s+it'?s\s+assigned\s+to)$/, 'assignee'],
  [/^(?:the\s+)?(?:first\s+response(?:\s+state|\s+status)?|response\s+status)$/, 'first response'],
];

/** Regex source for a tier as people name it: "Tier 2", "tier two (Engineering)", "T3", "level 1", "the executive tier". */
const tierSource =
  "\\b(?:tier\\s*(?:[1-4]|one|two|three|four)(?:\\s*(?:\\([^)]*\\)|-\\s*(?:support\\s+lead|engineering|executive)))?|t[1-4]|level\\s+(?:[1-4]|one|two|three|four)|(?:the\\s+)?(?:engineering|executive|exec|support[\\s-]+lead)\\s+(?:tier|level|team)|engineering|executives?|exec)(?!\\w)";
const escalateVerb = '\\b(?:escalat(?:e|ed|es|ing)|bump(?:ed|s)?|rais(?:e|ed)|route|move[ds]?|push(?:ed)?|send|sent|go(?:es)?|get|promote)\\b';
const notifyVerb = "\\b(?:notify|alert|message|ping|tell|page|text|dm|email|e-mail|inform|let|cc|loop\\s+in|send\\s+(?:a\\s+)?(?:message|an?\\s+alert|a\\s+note|it|them|this|that|(?:the\\s+)?alerts?)\\s+to)\\b";
const recipientWord =
  "(?:me|us|myself|(?:the\\s+)?(?:support|engineering|eng)\\s+leads?|(?:cs|customer\\s+success)\\s+vp|vp\\s+(?:of\\s+)?(?:cs|customer\\s+success)|(?:primary\\s+|account\\s+)?owners?|backup(?:\\s+owners?)?|account\\s+executives?|aes?|csms?|assignee|assigned\\s+(?:engineer|agent|person)|whoever\\s+is\\s+assigned)";

/**
 * Finds the actions in a rule wherever they are — "escalate … to Tier 2", "-> T3", "set Status to 'Escalated'", "mark …
 * as Closed", "message me on Telegram with …", "let the account owner know" — and returns the text with them taken out,
 * so what is left can be read as conditions.
 */
export function parseActions(text: string, vocabulary: Vocabulary, workspace: Workspace): ParsedActions & { rest: string; needsTier: boolean } {
  const result: ParsedActions & { rest: string; needsTier: boolean } = { actions: [], leftovers: [], problems: [], rest: '', needsTier: false };
  let rest = ` ${text.toLowerCase().replace(/[“”"]/g, "'")} `;
  const blank = (start: number, end: number) => {
    rest = rest.slice(0, start) + ' '.repeat(end - start) + rest.slice(end);
  };
  const take = (source: string, handle: (match: RegExpExecArray) => boolean | void) => {
    const regex = new RegExp(source, 'gi');
    const spans: [number, number][] = [];
    let match: RegExpExecArray | null;
    while ((match = regex.exec(rest)) !== null) {
      if (handle(match) !== false) spans.push([match.index, match.index + match[0].length]);
    }
    for (const [start, end] of spans) blank(start, end);
  };

  // Notify first, so "the support lead" is a person here and not a tier.
  const notifyStop = "(?=\\s*,?\\s+(?:and\\s+)?(?:then\\s+)?(?:set|mark|escalate|update|bump)\\b|\\s*[.;!](?:\\s|$)|\\s*$)";
  const roleNames = Object.keys(workspace.config.roles).map((role) => role.replace(/_/g, '\\s+'));
  const recipient = `(?:${[recipientWord, ...roleNames, ...personNames(workspace).map(escapeRegExp)].join('|')})`;
  take(
    `${notifyVerb}\\s+((?:(?:the|our|my|both|and|also|,|&|\\s)*${recipient}\\b)+)(?:\\s+know)?(?:\\s+(?:personally|directly|too|as\\s+well|each\\s+time|every\\s+time|right\\s+away|immediately))*(?:\\s+(?:on|via|in|through|by|over)\\s+(telegram|the\\s+terminal|terminal|chat|here|this\\s+chat|email|slack))?(?:\\s+(?:each|every)\\s+time)?(?:\\s+(?:with|including|showing)\\s+([^.;]+?)${notifyStop})?`,
    (match) => notify(match[1]!, match[2], match[3]),
  );
  // Passives: "the account owner is notified", "the support lead gets alerted", "the AE should be told".
  take(
    `((?:(?:the|our|my|both|and|also|,|&|\\s)*${recipient}\\b)+)\\s+(?:is|are|gets?|get|should\\s+(?:also\\s+)?be|will\\s+be|must\\s+be|to\\s+be|needs?\\s+to\\s+be|be)\\s+(?:also\\s+)?(?:notified|alerted|told|messaged|pinged|informed|emailed|e-mailed|paged|texted|looped\\s+in|cc'?d)\\b(?:\\s+(?:on|via|in|through|by|over)\\s+(telegram|the\\s+terminal|terminal|chat|email|slack))?`,
    (match) => notify(match[1]!, match[2], undefined),
  );
  // A name nobody in the workspace has ("message Bob Smith"): asked about, never dropped.
  take(`\\b(?:message|notify|ping|tell|text|dm|email|page|inform)\\s+(?!(?:${[...stopwords, 'when', 'whenever', 'if', 'about', 'once', 'after', 'who', 'everyone', 'someone', 'nobody'].join('|')})\\b)([a-z][a-z'-]+(?:\\s+[a-z][a-z'-]+)?)(?=\\s*(?:[,.;!]|$|\\s+(?:when|if|about|on|via|too|and)\\b))`, (match) => {
    const named = titleCase(match[1]!);
    result.problems.push(`I don't know who "${named}" is; I can notify ${knownRecipients(vocabulary, workspace).join(', ')}`);
  });
  // "update the Escalation Tier field": what escalate does; named so it is not a leftover.
  take('\\bupdate\\s+(?:the\\s+)?escalation\\s+tier(?:\\s+field)?\\b', () => {
    if (!vocabulary.tier) result.problems.push(`${vocabulary.definition.name} has no Escalation Tier field`);
  });
  // Set: "set Status to 'Escalated'", "set the Status field to In Progress".
  const fieldNames = vocabulary.definition.fields.map((field) => escapeRegExp(field.name.toLowerCase())).sort((a, b) => b.length - a.length).join('|');
  take(`\\bset\\s+(?:the\\s+)?(?:ticket'?s?\\s+)?(${fieldNames})\\s+(?:field\\s+)?(?:to|=|as)\\s+'?([a-z0-9][^',.;]*?)'?(?=\\s+(?:and|then|when|&|but|on|for|if)\\b|\\s*[,.;:!]|\\s*$)`, (match) => setField(match[1]!, match[2]!));
  // Mark: "mark them as In Progress", "mark P4 tickets open more than a week as Closed" (what is between stays a condition).
  if (vocabulary.status) {
    const statusOptions = (vocabulary.status.options ?? []).map((option) => escapeRegExp(option.toLowerCase())).join('|');
    const mark = /\bmark(?:ed)?\b/.exec(rest);
    if (mark) {
      const as = new RegExp(`\\bas\\s+'?(${statusOptions})'?(?=[\\s,.;:!]|$)`, 'g');
      as.lastIndex = mark.index;
      const right = new RegExp(`^\\s*(?:it|them|the\\s+tickets?)?\\s*'?(${statusOptions})'?(?=[\\s,.;:!]|$)`);
      const next = right.exec(rest.slice(mark.index + mark[0].length));
      const target = as.exec(rest) ?? (next ? Object.assign([next[0], next[1]], { index: mark.index + mark[0].length, input: rest, groups: undefined }) as RegExpExecArray : null);
      if (target) {
        setField(vocabulary.status.name, target[1]!);
        blank(target.index, target.index + target[0].length);
        blank(mark.index, mark.index + mark[0].length);
        rest = rest.replace(/\bmark(?:ed)?\s+(?:it|them|the\s+tickets?)\b/, (words) => ' '.repeat(words.length));
      }
    }
  }
  // Escalate: a tier after an escalating verb, an arrow or a colon; "escalate them" with no tier asks which.
  const verb = new RegExp(escalateVerb, 'i').exec(rest);
  let escalated = false;
  take(`(?:(->|→|=>|:)\\s*|\\b(?:(?:up\\s+)?to|into)\\s+(?:the\\s+)?)?(?:escalate\\s+(?:to\\s+)?)?(${tierSource})`, (match) => {
    const arrow = match[1] !== undefined || /^\s*(?:->|→|=>|:)/.test(match[0]) || /\bto\b|\binto\b/.test(match[0]);
    if (!(arrow || (verb && verb.index < match.index)) || escalated) return false;
    const tier = tierOption(vocabulary, match[2]!.replace(/\s+(?:team)$/, '').replace(/\bexecs?\b|\bexecutives\b/, 'executive'));
    escalated = true;
    if (tier) result.actions.unshift({ escalate: { tier } });
    else if (!vocabulary.tier) result.problems.push(`${vocabulary.definition.name} has no escalation tier field to escalate`);
    else result.problems.push(`"${match[2]!.trim()}" is not an escalation tier (tiers: ${(vocabulary.tier.options ?? []).filter((option) => !/^none$/i.test(option)).join(', ')})`);
  });
  if (!escalated) {
    // "Tier 7": a tier-like word that names no tier is a problem, not a leftover.
    take('(?:\\bto\\s+)?\\btier\\s*(\\d+)\\b', (match) => {
      if (!verb) return false;
      result.problems.push(`"tier ${match[1]}" is not an escalation tier (tiers: ${(vocabulary.tier?.options ?? []).filter((option) => !/^none$/i.test(option)).join(', ')})`);
      escalated = true;
    });
  }
  if (!escalated && verb && /^escalat/i.test(verb[0])) result.needsTier = true;
  if (verb && (escalated || result.needsTier)) {
    rest = rest.replace(new RegExp(`(?<!\\b(?:not|never|already|yet)\\s+)${escalateVerb}`, 'gi'), (words) => ' '.repeat(words.length));
  }
  rest = rest.replace(/\b(?:should\s+)?(?:get|be|gets|been)\s+(?=\s)/g, (words) => ' '.repeat(words.length));

  result.rest = rest;
  result.leftovers = rest
    .split(/[^a-z0-9'-]+/)
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word !== '' && !stopwords.has(word));
  return result;

  function setField(fieldName: string, value: string): void {
    const field = findField(vocabulary.definition, fieldName.trim());
    if (!field) {
      result.problems.push(`${vocabulary.definition.name} has no field "${fieldName.trim()}"`);
      return;
    }
    const wanted = value.trim();
    if (field.type === 'enum') {
      const option = (field.options ?? []).find((candidate) => candidate.toLowerCase() === wanted.toLowerCase());
      if (!option) {
        result.problems.push(`"${wanted}" is not an option of ${field.name} (options: ${(field.options ?? []).join(', ')})`);
        return;
      }
      // Escalating already sets Status to Escalated; saying so again is not a second action.
      if (field === vocabulary.status && option === 'Escalated') return;
      result.actions.push({ set: { [field.name]: option } });
      return;
    }
    result.actions.push({ set: { [field.name]: wanted } });
  }

  function notify(who: string, channel: string | undefined, items: string | undefined): void {
    const recipients: string[] = [];
    const phrases = splitList(who.replace(/\s+know$/, '').replace(/^(?:\s*(?:and|also|,|&)\s*)+/, ''));
    for (const phrase of phrases.length > 1 && /^both$/.test(phrases[0]!.trim()) ? phrases.slice(1) : phrases) {
      const specs = recipientSpecs(phrase.replace(/^also\s+/, ''), vocabulary, workspace);
      if (typeof specs === 'string') result.problems.push(specs);
      else for (const spec of specs) if (!recipients.includes(spec)) recipients.push(spec);
    }
    if (channel) result.channel = channel.replace(/^the\s+/, '');
    if (recipients.length === 0) return;
    let template = 'escalation';
    if (items) {
      const unknown = splitList(items.replace(/\s+and\s+how\s+long/, ', how long')).filter((item) => !alertCovers.some(([pattern]) => pattern.test(item.trim())));
      if (unknown.length) {
        const custom = customTemplate(unknown, vocabulary);
        if (typeof custom === 'string') template = custom;
        else result.problems.push(custom.problem);
      }
    }
    const existing = result.actions.find((action): action is { notify: { to: string[]; template: string } } => 'notify' in action && action.notify.template === template);
    if (existing) existing.notify.to.push(...recipients.filter((spec) => !existing.notify.to.includes(spec)));
    else result.actions.push({ notify: { to: recipients, template } });
  }
}

/** A template for alerts that must show fields the escalation alert does not: "{Title} — {Customer} | Region: {Customer.Region}". */
function customTemplate(items: string[], vocabulary: Vocabulary): string | { problem: string } {
  const parts: string[] = [];
  for (const item of items) {
    const name = item.replace(/^(?:the|its|their)\s+/, '').trim();
    const entry = vocabulary.fields.find((candidate) => candidate.phrase === name.toLowerCase());
    if (!entry) return { problem: `the alert cannot show "${item}": no field of that name (fields: ${vocabulary.definition.fields.map((field) => field.name).join(', ')})` };
    parts.push(`${entry.field.name}: {${entry.path}}`);
  }
  return `🚨 {Title} — {Customer} ({Priority}), open {time_open}\n${parts.join(' | ')}`;
}

/**
 * The recipient specs a phrase names: "me" → me; "the support lead" → role:support_lead; "the account owner" →
 * field:Customer.Account Owner; "both owners" → the owner and backup owner fields. A string is a problem to report.
 */
export function recipientSpecs(phrase: string, vocabulary: Vocabulary, workspace: Workspace): string[] | string {
  const text = phrase
    .toLowerCase()
    .replace(/^(?:the|our|my|its|their|a|an)\s+/, '')
    .replace(/\bcustomer\s+success\b/g, 'cs')
    .replace(/\bvp\s+of\s+cs\b|\bcs\s+vp\b|\bvp\s+cs\b/g, 'cs vp')
    .replace(/'s\b/g, '')
    .trim();
  if (/^(?:me|us|myself|here)$/.test(text)) return ['me'];
  const ownerFields = vocabulary.fields.filter((entry) => entry.field.type === 'text' && /owner|executive|manager|csm|assign/i.test(entry.field.name));
  const byName = (pattern: RegExp) => ownerFields.find((entry) => pattern.test(entry.field.name));
  if (/^(?:both(?:\s+owners)?|both\s+the\s+(?:primary\s+)?owner\s+and\s+(?:the\s+)?backup|(?:account\s+)?owners?\s+and\s+backup(?:\s+owner)?)$/.test(text)) {
    const owner = byName(/^account owner$/i);
    const backup = byName(/^backup owner$/i);
    if (owner && backup) return [`field:${owner.path}`, `field:${backup.path}`];
  }
  const fieldMatch =
    (/^(?:primary\s+)?(?:account\s+)?owner$/.test(text) && byName(/^account owner$/i)) ||
    (/^(?:the\s+)?backup(?:\s+owner)?$/.test(text) && byName(/^backup owner$/i)) ||
    (/^(?:account\s+executive|ae)$/.test(text) && byName(/^account executive$/i)) ||
    (/^(?:assignee|assigned\s+(?:engineer|agent|person)|whoever\s+is\s+assigned)$/.test(text) && byName(/assign/i)) ||
    ownerFields.find((entry) => entry.phrase === text);
  if (fieldMatch) return [`field:${fieldMatch.path}`];
  const roles = Object.keys(workspace.config.roles);
  const words = new Set(text.replace(/s\b/g, '').split(/[\s_-]+/));
  const role = roles.find((name) => name.replace(/_/g, ' ') === text) ?? roles.find((name) => name.split('_').every((word) => words.has(word.replace(/s$/, ''))));
  if (role) return [`role:${role}`];
  const person = personByName(workspace, text);
  if (person) return [`person:${person}`];
  return `I don't know who "${phrase.trim()}" is; I can notify ${knownRecipients(vocabulary, workspace).join(', ')}`;
}

/** Whom a job can notify, for "I don't know who …": me, the roles, the person fields, people by name. */
function knownRecipients(vocabulary: Vocabulary, workspace: Workspace): string[] {
  const ownerFields = vocabulary.fields.filter((entry) => entry.field.type === 'text' && /owner|executive|manager|csm|assign/i.test(entry.field.name));
  const people = workspace.config.people.map((person) => person.name);
  return [
    '"me"',
    ...Object.keys(workspace.config.roles).map((name) => `the ${name.replace(/_/g, ' ')}`),
    ...ownerFields.map((entry) => `the ${entry.phrase}`),
    ...(people.length ? [`a person by name (${people.slice(0, 6).join(', ')}${people.length > 6 ? ', …' : ''})`] : []),
  ];
}

/**
 * The names a message may call the workspace's people (workspace.yaml people): full names, and first names that
 * only one of them has — lower-case, longest first.
 */
export function personNames(workspace: Workspace): string[] {
  const people = workspace.config.people.map((person) => person.name.trim()).filter(Boolean);
  const first = (name: string) => name.split(/\s+/)[0]!.toLowerCase();
  const firsts = people.map(first).filter((name, index, all) => all.indexOf(name) === index && all.lastIndexOf(name) === index && people.filter((person) => first(person) === name).length === 1);
  return [...new Set([...people.map((name) => name.toLowerCase()), ...firsts])].sort((a, b) => b.length - a.length);
}

/** The person (as workspace.yaml spells them) a phrase names: "priya", "Jordan Lee"; undefined when none or several. */
export function personByName(workspace: Workspace, phrase: string): string | undefined {
  const wanted = phrase.trim().toLowerCase().replace(/\s+/g, ' ');
  const people = workspace.config.people.map((person) => person.name.trim());
  const full = people.find((name) => name.toLowerCase() === wanted);
  if (full) return full;
  const byFirst = people.filter((name) => name.toLowerCase().split(/\s+/)[0] === wanted);
  return byFirst.length === 1 ? byFirst[0] : undefined;
}

function titleCase(text: string): string {
  return text.replace(/\b[a-z]/g, (letter) => letter.toUpperCase());
}

/** Regex source for words that start an action, to split "conditions, escalate to …". */
export const actionStart = '(?:escalate|bump|raise|route|notify|alert|message|ping|tell|page|text|dm|email|inform|set|mark|send)';
