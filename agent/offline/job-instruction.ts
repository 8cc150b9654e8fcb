// Monitoring jobs in words: "Every 30 minutes, check for support tickets that meet these escalation criteria:
// - P1 tickets open more than 30 minutes without a first response date: escalate to Tier 2 … When escalating, …
// message me on Telegram …" → job file data (schedule, object, rules), or the question that is still open.
import type { JobAction } from '../../jobs/job-schema';
import type { Condition } from '../../objects/filter';
import { optionCode } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import { actionStart, parseActions } from './actions';
import { parseConditions } from './conditions';
import { entityNames } from './entities';
import { mentionedObjects } from './object-mention';
import { findSchedule } from './schedule-phrase';
import { vocabularyOf, type Vocabulary } from './vocabulary';
import { cleanText, slug } from './words';

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

const bullet = /^\s*(?:[-*•·]|\d+[.)])\s+(.*)$/;

/** Whether the text reads as a monitoring job: a schedule and something to check or do. */
export function looksLikeJob(text: string): boolean {
  const lower = text.toLowerCase();
  const verbs = /\b(check|monitor|watch|scan|look\s+for|escalate|alert|notify|message|ping|page)\b/.test(lower);
  if (findSchedule(text) && verbs) return true;
  if (/\b(check|monitor|watch|scan)\b/.test(lower) && /\b(escalate|notify|alert|message)\b/.test(lower)) return true;
  if (/:\s*(?:escalate|bump)\s+(?:it\s+|them\s+)?to\b/.test(lower)) return true;
  return /\b(set\s+up|create|add|make)\s+(?:an?\s+)?(escalation\s+)?(monitoring|monitor|job|rule|automation)\b/.test(lower) || /\bescalation\s+monitoring\b/.test(lower);
}

/** Parses a job instruction. `text` may span lines (bullets). */
export async function parseJobInstruction(workspace: Workspace, original: string): Promise<JobParse> {
  // Bullets written on one line ("criteria: - P1 … - P2 …") become lines.
  let text = cleanText(original)
    .replace(/([:;])\s*-\s+(?=\S)/g, '$1\n- ')
    .replace(/\s+-\s+(?=(?:any|all|every|p\d|critical|high|medium|low|urgent|enterprise|tickets?|unresolved|unanswered)\b)/gi, '\n- ');
  const notes: string[] = [];

  let name: string | undefined;
  const naming = /\b(?:call(?:ed)?|name(?:d)?)\s+(?:it\s+|the\s+job\s+)?["']([^"']+)["']|\b(?:call|name)\s+(?:it|the\s+job)\s+([a-z0-9][a-z0-9_-]*)/i.exec(text);
  if (naming) {
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

  const schedule = findSchedule(text);
  if (!schedule) {
    return {
      kind: 'ask',
      question: 'How often should I check? For example "every 30 minutes", "hourly" or "every weekday at 9am".',
      resume: (answer) => `${answer.trim().replace(/[.,]$/, '')}, ${original}`,
    };
  }
  if (schedule.kind === 'needs-time') {
    const phrase = text.slice(schedule.start, schedule.end);
    return {
      kind: 'ask',
      question: `At what time should it run (${phrase.trim()})? For example "9am" or "17:30".`,
      resume: (answer) => original.replace(phrase, `${phrase} at ${answer.trim().replace(/^at\s+/i, '').replace(/[.,]$/, '')}`),
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

  const objectName = mentionedObjects(workspace, header.join(' '))[0] ?? mentionedObjects(workspace, bulletLines.join(' '))[0];
  if (!objectName) {
    return {
      kind: 'ask',
      question: `Which object should this job watch? (objects: ${[...workspace.objects.keys()].join(', ')})`,
      resume: (answer) => `${original}\n(on ${answer.trim()})`,
    };
  }
  const vocabulary = vocabularyOf(workspace.object(objectName), workspace.objects);
  const entities = await entityNames(workspace, objectName);

  let preface = header.join(' ');
  preface = preface
    .replace(/\((?:on|for)\s+[a-z_ ]+\)/gi, ' ')
    .replace(/\b(?:check|look|scan|monitor|watch|search)\s*(?:for|on|over|through)?\b/gi, ' ')
    .replace(/\b(?:that|which)\s+(?:meet|match|hit|fit)\s+(?:these|the\s+following|any\s+of\s+these|those)\s+(?:escalation\s+)?(?:criteria|conditions|rules)\b/gi, ' ')
    .replace(/\b(?:these|the\s+following)\s+(?:escalation\s+)?(?:criteria|conditions|rules)\b/gi, ' ')
    .replace(/\bset\s+up\s+(?:an?\s+)?(?:escalation\s+)?(?:monitoring|monitor|job)\b/gi, ' ')
    .replace(/\b(?:escalation\s+)?(?:monitoring|monitor)\b/gi, ' ')
    .replace(/^\s*[,:;]+|[,:;]+\s*$/g, ' ')
    .trim();

  let ruleTexts = bulletLines;
  if (!bulletLines.length) {
    // One sentence per rule; a sentence that is only an action ("Notify me on Telegram.") applies to every rule.
    const sentences = splitRules(preface);
    ruleTexts = sentences.filter((sentence) => !/^(?:and\s+)?(?:then\s+)?(?:also\s+)?(?:notify|alert|message|ping|tell|page|text|dm|set|mark|send)\b/i.test(sentence) || sentences.length === 1);
    const actionOnly = sentences.filter((sentence) => !ruleTexts.includes(sentence));
    if (actionOnly.length) shared.always = `${actionOnly.join('. ')} ${shared.always}`.trim();
  }
  const sharedConditions = bulletLines.length ? preface : '';
  if (trailer.length) shared.always = `${trailer.join(' ')} ${shared.always}`.trim();
  if (ruleTexts.length === 0) return { kind: 'problem', message: cannotRead('I found no rule in that', vocabulary) };

  const problems: string[] = [];
  const context = { now: workspace.clock.now(), timeZone: workspace.timeZone, entities, ageMeansOpen: true };
  const common = sharedConditions ? parseConditions(sharedConditions, vocabulary, context) : { conditions: [], leftovers: [] };
  if (common.leftovers.length) problems.push(`I did not understand ${quoteWords(common.leftovers)} in "${sharedConditions.trim()}"`);
  const escalatingActions = shared.escalating ? parseActions(shared.escalating, vocabulary, workspace) : undefined;
  const alwaysActions = shared.always ? parseActions(shared.always, vocabulary, workspace) : undefined;
  for (const [label, parsed, source] of [['"When escalating …"', escalatingActions, shared.escalating], ['the closing sentence', alwaysActions, shared.always]] as const) {
    if (!parsed) continue;
    problems.push(...parsed.problems);
    if (parsed.leftovers.length) problems.push(`I did not understand ${quoteWords(parsed.leftovers)} in ${label} ("${source.trim()}")`);
    if (parsed.channel && /telegram/i.test(parsed.channel)) notes.push('telegram');
  }

  const rules: JobData['rules'] = [];
  const used = new Set<string>();
  for (const [index, ruleText] of ruleTexts.entries()) {
    const where = ruleTexts.length > 1 ? `rule ${index + 1} ("${ruleText.trim()}")` : `"${ruleText.trim()}"`;
    const split = splitRule(ruleText);
    const conditions = parseConditions(split.conditions, vocabulary, context);
    const actions = parseActions(split.actions, vocabulary, workspace);
    problems.push(...actions.problems.map((problem) => `${where}: ${problem}`));
    const leftovers = [...conditions.leftovers, ...actions.leftovers];
    if (leftovers.length) problems.push(`I did not understand ${quoteWords(leftovers)} in ${where}`);
    if (actions.channel && /telegram/i.test(actions.channel)) notes.push('telegram');
    const when = [...common.conditions, ...conditions.conditions.filter((condition) => !common.conditions.some((shared) => JSON.stringify(shared) === JSON.stringify(condition)))];
    const then = [...actions.actions];
    const escalates = then.some((action) => 'escalate' in action);
    if (escalatingActions && escalates) then.push(...escalatingActions.actions.filter((action) => !('set' in action && isRedundantStatus(action, vocabulary))));
    if (alwaysActions) then.push(...alwaysActions.actions);
    if (when.length === 0 && leftovers.length === 0) problems.push(`${where} has no condition, so it would match every ${objectName} entry; say which (e.g. "P1 tickets open more than 30 minutes")`);
    if (then.length === 0 && actions.problems.length === 0) {
      return {
        kind: 'ask',
        question: `What should happen when ${ruleTexts.length > 1 ? `rule ${index + 1} ("${ruleText.trim()}")` : 'it'} matches? For example "escalate to Tier 2" or "notify me".`,
        resume: (answer) => `${original}\nFor every rule: ${answer.trim()}`,
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
  if (problems.length) return { kind: 'problem', message: `${problems.map((problem) => `- ${problem}`).join('\n')}\nNothing was saved. ${ruleHelp(vocabulary)}` };

  const escalates = rules.some((rule) => rule.then.some((action) => 'escalate' in action));
  const jobName = name ?? `${slug(objectName.split('_')[0]!)}-${escalates ? 'escalation' : 'monitor'}`;
  const description = original.replace(/\s+/g, ' ').trim();
  return {
    kind: 'job',
    data: { name: jobName, description: description.length > 300 ? `${description.slice(0, 297)}…` : description, schedule: schedule.schedule, object: objectName, rules },
    notes: [...new Set(notes)],
  };
}

/** Single-sentence jobs: several rules separated by ";" or sentences, each with its own action. */
function splitRules(text: string): string[] {
  const parts = text
    .split(/;\s*|\.\s+(?=[A-Z])/)
    .map((part) => part.trim())
    .filter(Boolean);
  return parts.length > 0 ? parts : [];
}

/** Separates "P1 tickets …: escalate to Tier 2" into its condition and action parts. */
export function splitRule(text: string): { conditions: string; actions: string } {
  const trimmed = text.trim().replace(/[.]+$/, '');
  const verb = new RegExp(`\\b${actionStart}\\b`, 'i');
  let match = /^(?:if|when|whenever)\s+(.+?),?\s+(?:then\s+)?((?:escalate|bump|raise|route|notify|alert|message|ping|tell|page|text|set|mark|send)\b.*)$/i.exec(trimmed);
  if (match) return { conditions: match[1]!, actions: match[2]! };
  match = /^(.+?)\s*(?::|->|→|=>)\s*(.+)$/.exec(trimmed);
  if (match && verb.test(match[2]!)) return { conditions: match[1]!, actions: match[2]! };
  match = /^(escalate|bump|raise|route|move)\s+(?!to\b)(.+?)\s+((?:up\s+)?to\s+.+)$/i.exec(trimmed);
  if (match) {
    const tail = /^(.*?)(\s+(?:and|then)\s+.+)?$/i.exec(match[3]!)!;
    return { conditions: match[2]!, actions: `${match[1]} ${tail[1]}${tail[2] ?? ''}` };
  }
  match = /^((?:alert|notify|message|tell|ping|page)\s+.+?)\s+(?:about|of|when|whenever|if|for)\s+(.+)$/i.exec(trimmed);
  if (match) return { conditions: match[2]!, actions: match[1]! };
  match = new RegExp(`^(${actionStart}\\b.+?)\\s+(?:if|when|whenever)\\s+(.+)$`, 'i').exec(trimmed);
  if (match) return { conditions: match[2]!, actions: match[1]! };
  match = new RegExp(`^(.+?),?\\s+(?:then\\s+|and\\s+)?(${actionStart}\\b.*)$`, 'i').exec(trimmed);
  if (match) return { conditions: match[1]!, actions: match[2]! };
  return { conditions: trimmed, actions: '' };
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

