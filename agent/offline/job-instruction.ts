// Monitoring jobs in words: "Every 30 minutes, check for support tickets that meet these escalation criteria:
// - P1 tickets open more than 30 minutes without a first response date: escalate to Tier 2 … When escalating, …
// message me on Telegram …" → job file data (schedule, object, rules), or the question that is still open.
import type { JobAction } from '../../jobs/job-schema';
import type { Condition } from '../../objects/filter';
import { optionCode } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import { parseActions } from './actions';
import { parseConditions, type ParsedConditions } from './conditions';
import { correctionNote, correctTypos, workspaceWords } from './parts/typos';
import { ticketObject } from './ticket-lookup';
import { jobNames } from '../../jobs/job-files';
import { displayNames, entityNames } from './entities';
import { mentionedObjects } from './object-mention';
import { findSchedule } from './schedule-phrase';
import { vocabularyOf, type Vocabulary } from './vocabulary';
import { cleanText, escapeRegExp, slug } from './words';

export interface JobData {
  name: string;
  description: string;
  schedule: string;
  object: string;
  rules: { name: string; when: { all: Condition[] }; then: JobAction[] }[];
}

export type JobParse =
  | { kind: 'job'; data: JobData; notes: string[] }
  | { kind: 'ask'; question: string; resume: (answer: string) => string }
  | { kind: 'problem'; message: string };

/** How often a monitoring job checks when the instruction names no schedule. */
export const defaultSchedule = 'every 15 minutes';

const bullet = /^\s*(?:[-*•·]|\d+[.)])\s+(.*)$/;

/** Whether the text reads as a monitoring job: a schedule and something to check or do, or a rule over many tickets. */
export function looksLikeJob(text: string): boolean {
  const lower = text.toLowerCase();
  const verbs = /\b(check|monitor|watch|scan|look\s+(?:for|at)|escalat\w*|alert|notify|message|ping|page|tell|let\s+me\s+know|bump|mark|set|move|raise|route|send|go(?:es)?\s+to)\b|->|→|\btier\s*\w|\bt[1-4]\b/.test(lower);
  if (findSchedule(text) && verbs && !/^\s*(?:show|list|how\s+many|which|what|who)\b/.test(lower)) return true;
  if (/\b(check|monitor|watch|scan)\b/.test(lower) && /\b(escalate|notify|alert|message)\b/.test(lower)) return true;
  if (/:\s*(?:escalate|bump)\s+(?:it\s+|them\s+)?to\b/.test(lower)) return true;
  // "notify the account owner when a P2 from a strategic account is older than 4 hours": what to do, then when.
  if (/^\s*(?:please\s+)?(?:notify|alert|tell|message|ping|page|escalate|bump|email|text|let\s+\w+(?:\s+\w+)?\s+know)\b[\s\S]*?\b(?:when(?:ever)?|if|once|as\s+soon\s+as|any\s+time)\b[\s\S]*\b(?:p[1-4]s?|tickets?|unassigned|unanswered|older|open(?:ed)?|hours?|minutes?|mins?|days?|breach\w*|escalated)\b/.test(lower)) return true;
  // "if an Enterprise ticket sits unassigned for an hour, tell the support lead": a condition, then what to do.
  if (/^\s*(?:if|when|whenever|once|as\s+soon\s+as|any\s+time)\b[\s\S]+?,\s*(?:then\s+)?(?:please\s+)?(?:escalate|notify|alert|tell|message|ping|page|let\s+\w+(?:\s+\w+)?\s+know|send|bump|email|text|move)\b/.test(lower) && !/^\s*(?:if|when)\s+(?:is|are|does|do|did|was|will)\b/.test(lower)) return true;
  // "Escalate P1 tickets open more than 30 minutes without a first response to Tier 2": a rule over many tickets.
  if (/\b(?:escalate|bump)\b/.test(lower) && /\btickets\b|\bp\d+s\b|\bany\s+(?:p\d|ticket)|\ball\s+tickets\b/.test(lower) && /\d|\bhours?\b|\bminutes?\b|\bdays?\b|\bunanswered\b|\bno\s+(?:first\s+)?response\b/.test(lower) && !/\bthe\s+[\w\s']*?\bticket\b(?!s)/.test(lower)) return true;
  return /\b(set\s+up|create|add|make)\s+(?:an?\s+)?(escalation\s+)?(monitoring|monitor|job|rule|automation)\b/.test(lower) || /\bescalation\s+monitoring\b/.test(lower);
}

const ruleVerb = /\s+(?:should|must|shall|need\s+to|needs\s+to|ought\s+to|have\s+to|has\s+to|are\s+to|is\s+to)\s+(?:all\s+)?(?:be\s+)?(?:go(?:es)?\s+to|goes?\s+up\s+to|escalated(?:\s+to)?|escalate\s+to|bumped(?:\s+up)?\s+to|moved\s+(?:up\s+)?to|routed\s+to|sent\s+to|raised\s+to|handed\s+(?:over\s+)?to)\b/i;

/**
 * A rule stated about a class of entries — "P1 tickets with no first response after 30 minutes should go to tier 2",
 * "unassigned P2s older than 3 hours should be escalated": the subject is many tickets under conditions (plural, or
 * "any/every/a"), not one named or quoted ticket ("the Globex SSO ticket should go to tier 2" is a change of it).
 */
export function looksLikeClassRule(text: string): boolean {
  const verb = ruleVerb.exec(text);
  if (!verb) return false;
  const subject = text.slice(0, verb.index).toLowerCase();
  if (/["“”]/.test(subject) || /^\s*(?:the|this|that|our)\b(?![\s\S]*\b(?:tickets|p[1-4]s|ones|escalations)\b)/.test(subject)) return false;
  const many = /\btickets\b|\bp[1-4]s\b|\bones\b|^\s*(?:any|all|every|each|an?|whenever)\b/.test(subject);
  const general = /\d|\b(?:hours?|minutes?|mins?|days?|weeks?|p[1-4]s?|unassigned|unanswered|unowned|waiting|older|open|without|no\s+(?:first\s+)?(?:response|reply|owner|assignee)|enterprise|mid-market|smb|trial|critical|high|tier)\b/.test(subject);
  return many && general;
}

/** A class rule as the job language's imperative: "escalate <subject> to tier 2 <rest>". */
export function classRuleInstruction(text: string): string {
  const verb = ruleVerb.exec(text)!;
  return `escalate ${text.slice(0, verb.index).trim()} to ${text.slice(verb.index + verb[0].length).trim()}`;
}

/** Parses a job instruction by its parts: schedule, name, rules (conditions and actions found wherever they are). */
export async function parseJobInstruction(workspace: Workspace, original: string): Promise<JobParse> {
  const companyNames = workspace.objects.has('company') ? await displayNames(workspace, 'company') : [];
  const corrected = correctTypos(cleanText(original), workspaceWords(workspace, companyNames));
  // Bullets written on one line ("criteria: - P1 … - P2 …") become lines.
  let text = corrected.text
    .replace(/([:;])\s*-\s+(?=\S)/g, '$1\n- ')
    .replace(/\s+-\s+(?=(?:any|all|every|p\d|critical|high|medium|low|urgent|enterprise|tickets?|unresolved|unanswered|escalate)\b)/gi, '\n- ');
  const notes: string[] = [];
  if (corrected.corrections.length) notes.push(correctionNote(corrected.corrections));

  let name: string | undefined;
  const naming = /\b(?:call(?:ed)?|name(?:d)?)\s+(?:it\s+|the\s+job\s+)?(?:["']([^"']+)["']|([a-z0-9][a-z0-9_-]*))/i.exec(text);
  if (naming && !/^(?:it|the|a|an)$/i.test((naming[1] ?? naming[2])!)) {
    name = slug((naming[1] ?? naming[2])!);
    text = text.replace(naming[0], ' ');
  }

  const shared = { escalating: '', always: '' };
  const whenEscalating = /\bwhen\s+(?:escalating|you\s+escalate|(?:a\s+)?tickets?\s+(?:is|are|gets?)\s+escalated|escalated)\b\s*[,:]?\s*([\s\S]*)$/i.exec(text);
  if (whenEscalating) {
    shared.escalating = whenEscalating[1]!;
    text = text.slice(0, whenEscalating.index);
  }
  const always = /\b(?:for\s+(?:every|each|all)\s+(?:rule|rules|of\s+them|case|cases)|in\s+(?:every|each|all)\s+cases?)\s*[,:]\s*([\s\S]*)$/i.exec(text);
  if (always) {
    shared.always = always[1]!;
    text = text.slice(0, always.index);
  }

  // No schedule named: a monitoring rule checks every 15 minutes (and each ticket as it changes), said back so the
  // person can change it ("make it hourly", "every 30 minutes") before saying yes.
  let schedule = findSchedule(text);
  if (!schedule) {
    schedule = { kind: 'schedule', schedule: defaultSchedule, start: text.length, end: text.length };
    notes.push(`(No schedule was named, so it checks ${defaultSchedule}; say e.g. "every 30 minutes" or "hourly" to change that.)`);
  }
  if (schedule.kind === 'needs-time') {
    const phrase = text.slice(schedule.start, schedule.end);
    return {
      kind: 'ask',
      question: `At what time should it run (${phrase.trim()})? For example "9am" or "17:30".`,
      resume: (answer) => original.replace(new RegExp(escapeRegExp(phrase), 'i'), `${phrase} at ${answer.trim().replace(/^at\s+/i, '').replace(/[.,]$/, '')}`),
    };
  }
  text = `${text.slice(0, schedule.start)} ${text.slice(schedule.end)}`;

  const lines = text.split(/\n/);
  const bulletLines: string[] = [];
  const header: string[] = [];
  const trailer: string[] = [];
  for (const line of lines) {
    const match = bullet.exec(line);
    if (match) bulletLines.push(match[1]!);
    else if (bulletLines.length === 0) header.push(line);
    else if (line.trim()) trailer.push(line);
  }

  let objectName = mentionedObjects(workspace, header.join(' '))[0] ?? mentionedObjects(workspace, bulletLines.join(' '))[0] ?? ticketObject(workspace);
  // "P1s from Enterprise accounts": the accounts qualify the tickets; the job watches the tickets.
  const tickets = ticketObject(workspace);
  if (tickets && objectName !== tickets && workspace.object(tickets).fields.some((field) => field.relatedObject === objectName) && /\bp\d|\btickets?\b|\bissues?\b|\bcritical\b|\burgent\b|\bunanswered\b|\bfirst\s+response\b/i.test(text)) objectName = tickets;
  if (!objectName) {
    return {
      kind: 'ask',
      question: `Which object should this job watch? (objects: ${[...workspace.objects.keys()].join(', ')})`,
      resume: (answer) => `${original}\n(on ${answer.trim()})`,
    };
  }
  const vocabulary = vocabularyOf(workspace.object(objectName), workspace.objects);
  const entities = await entityNames(workspace, objectName);
  const context = { now: workspace.clock.now(), timeZone: workspace.timeZone, entities, ageMeansOpen: true, lenient: true };

  // Each sentence (or bullet) is read by its parts; a sentence with actions and no conditions applies to every rule.
  type Segment = { text: string; actions: ReturnType<typeof parseActions>; conditions: ParsedConditions };
  const read = (segment: string): Segment => {
    const actions = parseActions(segment, vocabulary, workspace);
    return { text: segment, actions, conditions: parseConditions(actions.rest, vocabulary, context) };
  };
  const problems: string[] = [];
  let common: ParsedConditions = { conditions: [], leftovers: [] };
  const ruleSegments: Segment[] = [];
  const sharedSegments: Segment[] = [];
  if (bulletLines.length) {
    const head = read(header.join(' '));
    common = head.conditions;
    if (head.actions.actions.length) sharedSegments.push(head);
    ruleSegments.push(...bulletLines.map(read));
    sharedSegments.push(...trailer.map(read));
  } else {
    const segments = splitRules(header.join(' ')).map(read);
    for (const segment of segments) {
      const hasConditions = segment.conditions.conditions.length > 0;
      if (hasConditions) ruleSegments.push(segment);
      else if (segment.actions.actions.length || segment.actions.problems.length || segment.actions.needsTier) {
        if (segments.length === 1) ruleSegments.push(segment);
        else sharedSegments.push(segment);
      } else if (segment.conditions.leftovers.length) ruleSegments.push(segment);
    }
  }
  if (common.leftovers.length) problems.push(`I could not place ${quoteWords(common.leftovers)} in "${header.join(' ').trim()}"`);
  const alwaysActions = [...sharedSegments.map((segment) => segment.actions), ...(shared.always ? [parseActions(actionAnswer(shared.always), vocabulary, workspace)] : [])];
  const escalatingActions = shared.escalating ? parseActions(shared.escalating, vocabulary, workspace) : undefined;
  for (const parsed of [...alwaysActions, ...(escalatingActions ? [escalatingActions] : [])]) {
    problems.push(...parsed.problems);
    if (parsed.channel && /telegram/i.test(parsed.channel)) notes.push('telegram');
  }
  const sharedTier = alwaysActions.flatMap((parsed) => parsed.actions).find((action) => 'escalate' in action);
  if (ruleSegments.length === 0) {
    if (sharedSegments.length) ruleSegments.push(...sharedSegments.splice(0));
    else return { kind: 'problem', message: `I found no rule in that: say which ${objectName.replace(/_/g, ' ')} to watch and what to do, e.g. "P1 tickets open more than 30 minutes without a first response: escalate to Tier 2". Nothing was saved.` };
  }

  const rules: JobData['rules'] = [];
  const used = new Set<string>();
  for (const [index, segment] of ruleSegments.entries()) {
    const where = ruleSegments.length > 1 ? `rule ${index + 1} ("${segment.text.trim()}")` : `"${segment.text.trim()}"`;
    problems.push(...segment.actions.problems.map((problem) => `${where}: ${problem}`));
    if (segment.conditions.leftovers.length) problems.push(`I did not understand ${quoteWords(segment.conditions.leftovers)} in ${where}`);
    if (segment.actions.channel && /telegram/i.test(segment.actions.channel)) notes.push('telegram');
    const own = segment.conditions.conditions.filter((condition) => !common.conditions.some((other) => JSON.stringify(other) === JSON.stringify(condition)));
    const when = [...common.conditions, ...own];
    // A monitoring rule watches open entries unless it names a status itself.
    if (vocabulary.status && vocabulary.closedOptions.length && !when.some((condition) => condition.field === vocabulary.status!.name)) {
      when.push({ field: vocabulary.status.name, operator: 'is_none_of', value: vocabulary.closedOptions });
    }
    const then: JobAction[] = [...segment.actions.actions];
    if (!then.some((action) => 'escalate' in action) && sharedTier && !segment.actions.actions.some((action) => 'escalate' in action)) then.unshift(sharedTier);
    const escalates = then.some((action) => 'escalate' in action);
    if (escalatingActions && escalates) then.push(...escalatingActions.actions.filter((action) => !('set' in action && isRedundantStatus(action, vocabulary))));
    for (const parsed of alwaysActions) for (const action of parsed.actions) if (!('escalate' in action) && !then.some((existing) => JSON.stringify(existing) === JSON.stringify(action))) then.push(action);
    const meaningful = when.filter((condition) => !(condition.field === vocabulary.status?.name && condition.operator === 'is_none_of'));
    if (meaningful.length === 0 && segment.conditions.leftovers.length === 0) problems.push(`${where} has no condition, so it would match every open ${objectName.replace(/_/g, ' ')} entry; say which (e.g. "P1 tickets open more than 30 minutes")`);
    if (then.length === 0 && segment.actions.problems.length === 0) {
      const tiers = (vocabulary.tier?.options ?? []).filter((option) => !/^none$/i.test(option)).join(', ');
      return {
        kind: 'ask',
        question: segment.actions.needsTier
          ? `Which tier should ${ruleSegments.length > 1 ? `rule ${index + 1}` : 'it'} escalate to? (${tiers})`
          : `What should happen when ${ruleSegments.length > 1 ? `rule ${index + 1} ("${segment.text.trim()}")` : 'it'} matches? For example "escalate to Tier 2" or "notify me".`,
        resume: (answer) => `${original}\nFor every rule: ${actionAnswer(answer)}`,
      };
    }
    let ruleName = ruleNameOf(when, then, vocabulary) || `rule-${index + 1}`;
    while (used.has(ruleName)) ruleName = `${ruleName}-${index + 1}`;
    used.add(ruleName);
    rules.push({ name: ruleName, when: { all: when }, then });
  }
  if (shared.escalating && !rules.some((rule) => rule.then.some((action) => 'escalate' in action))) {
    problems.push('you said "When escalating …", but no rule escalates (say "escalate to Tier 2" in a rule)');
  }
  // A word left over that looks meaningful ("a P2 from a strategic account") is asked about, not refused wholesale:
  // the answer takes its place ("Enterprise"), or "ignore it" drops it.
  const unknown = [...new Set(ruleSegments.flatMap((segment) => segment.conditions.leftovers))];
  if (unknown.length && problems.length === unknown.length + (common.leftovers.length ? 1 : 0) && problems.every((problem) => /^I did not understand /.test(problem))) {
    const word = unknown[0]!;
    const known = new Map<string, string[]>();
    // A word qualifying the accounts is one of the accounts' options; any other, of the watched object's too.
    const ofAccounts = new RegExp(`\\b${escapeRegExp(word)}\\s+(?:accounts?|customers?|companies|company|clients?|logos?)\\b`, 'i').test(original);
    for (const option of ofAccounts && vocabulary.relatedOptions.length ? vocabulary.relatedOptions : [...vocabulary.relatedOptions, ...vocabulary.options]) {
      if (/^(?:none)$/i.test(option.option)) continue;
      const list = known.get(option.path) ?? [];
      if (!list.includes(option.option)) list.push(option.option);
      known.set(option.path, list);
    }
    const listed = [...known].slice(0, 4).map(([path, options]) => `${path}: ${options.join(', ')}`).join('; ');
    return {
      kind: 'ask',
      question: `What do you mean by "${word}"? I know ${listed}. Answer with one of those (e.g. "${[...known.values()][0]?.[0] ?? 'P1'}"), or "ignore it".`,
      resume: (answer) => {
        const said = answer.trim().replace(/[.!]+$/, '').replace(/\s+(?:accounts?|customers?|companies|tickets?)$/i, '');
        const dropped = /^(?:ignore(?:\s+it)?|skip(?:\s+it)?|drop(?:\s+it)?|any|none|nothing|never\s*mind|leave\s+it\s+out)$/i.test(said);
        return original.replace(new RegExp(`\\b${escapeRegExp(word)}\\b`, 'i'), dropped ? ' ' : said.replace(/^(?:it\s+means|i\s+mean|means)\s+/i, ''));
      },
    };
  }
  if (problems.length) return { kind: 'problem', message: `${[...new Set(problems)].map((problem) => `- ${problem}`).join('\n')}\nNothing was saved.` };

  const escalates = rules.some((rule) => rule.then.some((action) => 'escalate' in action));
  let jobName = name ?? `${slug(objectName.split('_')[0]!)}-${escalates ? 'escalation' : 'monitor'}`;
  // A new job never silently replaces another: an unnamed one that would clash is named from what it watches.
  if (!name && jobNames(workspace).includes(jobName)) {
    const base = `${jobName}-${rules[0]!.name}`.slice(0, 60);
    jobName = base;
    for (let counter = 2; jobNames(workspace).includes(jobName); counter++) jobName = `${base}-${counter}`;
  }
  const description = original.replace(/\s+/g, ' ').trim();
  return {
    kind: 'job',
    data: { name: jobName, description: description.length > 300 ? `${description.slice(0, 297)}…` : description, schedule: schedule.schedule, object: objectName, rules },
    notes: [...new Set(notes)],
  };
}

/** An answer to "what should happen?" as an action: "Tier 2" → "escalate to Tier 2". */
function actionAnswer(answer: string): string {
  const trimmed = answer.trim().replace(/[.!]+$/, '');
  if (/^(?:(?:up\s+)?to\s+)?(?:the\s+)?(?:tier\b|t[1-4]\b|level\b|engineering|exec)/i.test(trimmed)) return `escalate to ${trimmed.replace(/^(?:up\s+)?to\s+/i, '')}`;
  return trimmed;
}

/** Single-sentence jobs: several rules separated by ";" or sentences, each with its own action. */
function splitRules(text: string): string[] {
  return text
    .split(/;\s*|\.\s+(?=[A-Za-z0-9])|\n+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

function isRedundantStatus(action: JobAction, vocabulary: Vocabulary): boolean {
  return 'set' in action && vocabulary.status !== undefined && action.set[vocabulary.status.name] === 'Escalated' && Object.keys(action.set).length === 1;
}

/** "p1-no-first-response-30m", "p2-enterprise-4h", "unresolved-2d". */
function ruleNameOf(when: Condition[], then: JobAction[], vocabulary: Vocabulary): string {
  const parts: string[] = [];
  const age = when.find((condition) => condition.operator === 'older_than');
  for (const condition of when) {
    if (condition.field === vocabulary.status?.name && condition.operator === 'is_none_of') continue;
    if (condition.operator === 'is' && typeof condition.value === 'string') parts.push(slug(optionCode(condition.value)));
    else if (condition.operator === 'is_any_of' && Array.isArray(condition.value)) parts.push(condition.value.map((value) => slug(optionCode(String(value)))).join('-'));
    else if (condition.operator === 'is_empty' && condition.field === vocabulary.firstResponse?.name) parts.push('no-first-response');
    else if (condition.operator === 'is_empty' && condition.field === vocabulary.resolved?.name) parts.push('unresolved');
    else if (condition.operator === 'is_true') parts.push(slug(condition.field));
  }
  if (age) parts.push(String(age.value));
  if (parts.length === 0) {
    const escalate = then.find((action): action is { escalate: { tier: string } } => 'escalate' in action);
    if (escalate) parts.push(`to-${slug(optionCode(escalate.escalate.tier))}`);
  }
  return slug(parts.join('-')).slice(0, 60);
}

function quoteWords(words: string[]): string {
  return [...new Set(words)].map((word) => `"${word}"`).join(', ');
}

/** What the offline brain understands in a rule, for the object at hand. */
export function ruleHelp(vocabulary: Vocabulary): string {
  const examples: string[] = [];
  const priority = vocabulary.options.find((option) => /prior/i.test(option.path));
  if (priority) examples.push(`priorities ("${optionCode(priority.option).toUpperCase()}", "${priority.option.split(' - ')[1]?.toLowerCase() ?? priority.option}")`);
  if (vocabulary.relatedOptions.length) examples.push(`account tiers ("from ${vocabulary.relatedOptions.find((option) => /tier/i.test(option.path))?.option ?? vocabulary.relatedOptions[0]!.option} accounts")`);
  if (vocabulary.opened) examples.push('"open more than 30 minutes" / "half an hour" / "4 hours"');
  if (vocabulary.firstResponse) examples.push('"without a first response" / "hasn\'t been answered"');
  if (vocabulary.resolved) examples.push('"without resolution"');
  if (vocabulary.status) examples.push(`statuses ("${(vocabulary.status.options ?? []).slice(0, 2).join('", "')}")`);
  const actions = ['"escalate to Tier 2" (or "to engineering")', '"notify me" / "the support lead" / "the account owner"', '"set Status to …"'];
  return `Offline I understand rules like "<conditions>: <actions>" with conditions such as ${examples.join(', ')}; and actions ${actions.join(', ')}. With an ANTHROPIC_API_KEY I can take free-form requests.`;
}

function cannotRead(prefix: string, vocabulary: Vocabulary): string {
  return `${prefix}. ${ruleHelp(vocabulary)}`;
}

