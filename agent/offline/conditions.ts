// Reads the condition part of a sentence — "P1 tickets open more than 30 minutes without a first response date",
// "P2 tickets from Enterprise accounts", "escalated tickets for Acme Corp in Q1" — into filter conditions on an
// object. Each kind of part (a related entry's name, an age, a first-response or resolution state, a status, an enum
// option with lists and ranges, an amount, a renewal window, a period, an assignment, a named field) is found
// wherever it is in the text and taken out; strict readers report every word left over, lenient ones (rules and
// views, which are said back before saving) only leftovers that look meaningful — a number, a word after "with".
import type { Condition } from '../../objects/filter';
import { parsePeriod } from '../../objects/filter-compiler';
import { parseNumber } from '../../objects/values';
import { DateTime } from 'luxon';
import type { FieldPhrase, OptionPhrase, Vocabulary } from './vocabulary';
import { durationPattern, durationValue, escapeRegExp, objectWords } from './words';

/** Words of a comparison in a condition ("over $100k", "at most 3") and the filter operator each means. */
const comparisonOperators = { over: 'gt', above: 'gt', 'more than': 'gt', 'greater than': 'gt', '>': 'gt', 'at least': 'gte', '>=': 'gte', under: 'lt', below: 'lt', 'less than': 'lt', '<': 'lt', 'at most': 'lte', '<=': 'lte' } as const;

/** Names of related entries to recognise in text: "Acme Corp" → Customer is Acme Corp. */
export interface EntityNames {
  /** The relation field's path, e.g. "Customer". */
  path: string;
  names: string[];
}

export interface ParsedConditions {
  conditions: Condition[];
  /** Words that were not understood, in order. */
  leftovers: string[];
}

export interface ConditionOptions {
  entities?: EntityNames[];
  /** Time and zone for periods ("in Q1"). */
  now: Date;
  timeZone: string;
  /** Rules watch open work: an age condition also requires the entry to be open. */
  ageMeansOpen?: boolean;
  /** Filler words never block a reading: only leftovers that look meaningful are reported. */
  lenient?: boolean;
}

const stopwords = new Set(
  (
    'a an the any all every each of and or with that which who whose where are is be been being was were have has had there their ' +
    'them they it its still yet ones one currently now from for in on at to by me my our us we you your please show list find get give ' +
    'ticket tickets issue issues case cases item items entry entries record records request requests ones those these such as than ' +
    'also just only kind type priority level tier whether what how many much do does did are there let see look check monitor watch ' +
    'meet meets meeting following criteria condition conditions escalation'
  ).split(' '),
);

const comparator = '(?:more than|over|longer than|at least|greater than|>=?|past|beyond|in excess of)';
/** "without a first response", "hasn't been answered", "unanswered", "nobody replied" … */
const noAnswer =
  "\\b(?:without\\s+(?:a\\s+|any\\s+)?(?:first\\s+)?(?:response|reply|answer)(?:\\s+date)?(?:\\s+yet)?|with\\s+no\\s+(?:first\\s+)?(?:response|reply|answer)(?:\\s+date)?(?:\\s+yet)?|no\\s+(?:first\\s+)?(?:response|reply|answer)(?:\\s+date)?(?:\\s+yet)?|(?:has|have)\\s*(?:not|n't)\\s+(?:yet\\s+)?been\\s+(?:answered|responded\\s+to|replied\\s+to|acknowledged|picked\\s+up)(?:\\s+yet)?|(?:not|never)\\s+(?:yet\\s+)?(?:been\\s+)?(?:answered|responded\\s+to|replied\\s+to)(?:\\s+yet)?|unanswered|unacknowledged|(?:nobody|no\\s+one)\\s+(?:has\\s+)?(?:responded|replied|answered)(?:\\s+to\\s+(?:it|them))?(?:\\s+yet)?|missing\\s+(?:a\\s+)?first\\s+response(?:\\s+date)?|(?:has|have)\\s*(?:not|n't)\\s+(?:yet\\s+)?(?:been\\s+)?(?:answered|responded(?:\\s+to)?|replied(?:\\s+to)?)|(?:had|has|have)\\s+no\\s+(?:first\\s+)?(?:response|reply|answer)|first\\s+response(?:\\s+date)?\\s+(?:is\\s+)?(?:empty|missing|blank|not\\s+set))\\b";
const ageWords = '(?:open(?:ed)?|unresolved|outstanding|pending|waiting|sitting(?:\\s+there)?|sits?|sat|lingering|lingers?|unanswered|old|idle|untouched|stuck)';

/** Parses `text` against the object's vocabulary. */
export function parseConditions(text: string, vocabulary: Vocabulary, options: ConditionOptions): ParsedConditions {
  const found: { condition: Condition; at: number }[] = [];
  let rest = ` ${text
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .replace(/[“”"]/g, ' ')
    .replace(/\bw\/o\b/g, 'without')
    .replace(/\bw\/\s/g, 'with ')} `;
  let at = 0;
  const add = (condition: Condition) => {
    const key = JSON.stringify(condition);
    if (!found.some((existing) => JSON.stringify(existing.condition) === key)) found.push({ condition, at });
  };
  const take = (source: string, handle: (match: RegExpExecArray) => boolean | void) => {
    const regex = new RegExp(source, 'gi');
    let match: RegExpExecArray | null;
    const spans: [number, number][] = [];
    while ((match = regex.exec(rest)) !== null) {
      if (match[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      at = match.index;
      if (handle(match) !== false) spans.push([match.index, match.index + match[0].length]);
    }
    for (const [start, end] of spans) rest = rest.slice(0, start) + ' '.repeat(end - start) + rest.slice(end);
  };
  const openGuard = () => {
    // Already implied by a wider exclusion ("waiting on us" excludes the closed options and more).
    const status = vocabulary.status?.name;
    const covered = found.some(({ condition }) => condition.field === status && condition.operator === 'is_none_of' && Array.isArray(condition.value) && vocabulary.closedOptions.every((option) => (condition.value as unknown[]).includes(option)));
    if (vocabulary.status && vocabulary.closedOptions.length && !covered) add({ field: vocabulary.status.name, operator: 'is_none_of', value: vocabulary.closedOptions });
  };
  const firstResponseEmpty = () => {
    if (!vocabulary.firstResponse) return false;
    add({ field: vocabulary.firstResponse.name, operator: 'is_empty' });
    return true;
  };
  const resolvedEmpty = () => {
    if (vocabulary.resolved) add({ field: vocabulary.resolved.name, operator: 'is_empty' });
    openGuard();
    return Boolean(vocabulary.resolved || vocabulary.status);
  };
  const age = (phrase: string, word: string | undefined) => {
    const duration = durationValue(phrase);
    if (!duration || !vocabulary.opened) return false;
    add({ field: vocabulary.opened.name, operator: 'older_than', value: duration.compact, ...(duration.business ? { business: true } : {}) });
    if (options.ageMeansOpen || (word && !/^opened$/i.test(word))) openGuard();
    if (word && /unanswered/i.test(word)) firstResponseEmpty();
    if (word && /unresolved/i.test(word)) resolvedEmpty();
    return true;
  };

  const mentioned = new Map<string, { phrase: OptionPhrase; negated: boolean; orHigher: boolean; at: number }[]>();
  // "assigned to Sam Ortiz" names the assignee, before any person's name is read as a related entry (the contact).
  if (vocabulary.assignee) {
    const assigneeField = vocabulary.assignee.name;
    take("\\bassigned\\s+to\\s+(?!(?:after|for|within|in|more|over|since|anyone|anybody|it|them|yet)\\b)([a-z][a-z'-]*(?:\\s+(?!and\\b|or\\b|with\\b|after\\b|for\\b)[a-z][a-z'-]*)?)", (match) => add({ field: assigneeField, operator: 'contains', value: match[1]!.replace(/\b[a-z]/g, (letter) => letter.toUpperCase()) }));
  }
  // Related entries by name: "from Acme Corp", "for Acme Corp's", "Initech tickets".
  for (const entity of options.entities ?? []) {
    const names = [...entity.names].sort((a, b) => b.length - a.length);
    for (const name of names) {
      take(`(?:\\b(?:from|for|at|of|by|with)\\s+)?\\b${escapeRegExp(name.toLowerCase())}(?:'s)?(?=[\\s,.;:!?]|$)`, () => add({ field: entity.path, operator: 'is', value: name }));
    }
    const firstWords = new Map<string, string[]>();
    for (const name of names) {
      const first = name.split(/\s+/)[0]!.toLowerCase();
      if (first.length >= 4 && first !== name.toLowerCase()) firstWords.set(first, [...(firstWords.get(first) ?? []), name]);
    }
    for (const [first, owners] of firstWords) {
      if (owners.length !== 1) continue;
      take(`(?:\\b(?:from|for|at|of|by|with)\\s+)?\\b${escapeRegExp(first)}(?:'s)?(?=[\\s,.;:!?]|$)`, () => add({ field: entity.path, operator: 'is', value: owners[0]! }));
    }
  }

  // Age with no answer: "unanswered for more than 2 hours", "that haven't been answered for half an hour".
  take(`${noAnswer}\\s+(?:(?:for|in)\\s+(?:${comparator}\\s+)?|${comparator}\\s+)(${durationPattern})`, (match) => {
    return age(match[1]!, 'unanswered') && firstResponseEmpty();
  });
  // Age: "open more than 30 minutes", "that have been open for over 4 hours", "older than 2 days", "48+ hours old".
  take(`(?:\\b(?:that|which)\\s+)?(?:\\b(?:has|have|had)\\s+been\\s+|\\bbeen\\s+|\\b(?:is|are)\\s+(?:still\\s+)?|\\bstill\\s+|\\bstayed\\s+|\\bleft\\s+)?(?:\\b(${ageWords})\\s+)?(?:for\\s+)?${comparator}\\s+(${durationPattern})(?:\\s+(?:old|ago|now|already))?`, (match) => age(match[2]!, match[1]));
  take(`\\b(?:older\\s+than|after)\\s+(${durationPattern})`, (match) => age(match[1]!, undefined));
  take(`\\b(${ageWords})\\s+for\\s+(${durationPattern})(?:\\s+or\\s+(?:more|longer))?`, (match) => age(match[2]!, match[1]));
  take(`\\b(${durationPattern})\\s+(?:old|or\\s+older|\\+)`, (match) => age(match[1]!, undefined));
  take(`\\b(?:opened|created)\\s+(?:more\\s+than\\s+|over\\s+)(${durationPattern})\\s+ago`, (match) => age(match[1]!, 'opened'));

  // No first response.
  take(noAnswer, () => firstResponseEmpty());
  // No resolution.
  // "still isn't resolved", "aren't closed yet", "hasn't been solved": open, not a status of Resolved.
  take("\\b(?:still\\s+)?(?:isn'?t|is\\s+not|aren'?t|are\\s+not|wasn'?t|weren'?t|(?:has|have)(?:n'?t|\\s+not)\\s+(?:yet\\s+)?been|never\\s+(?:got|been))\\s+(?:yet\\s+)?(?:resolved|closed|solved|fixed)(?:\\s+yet)?\\b", () => resolvedEmpty());
  take("\\b(?:without\\s+(?:a\\s+)?resolution|without\\s+being\\s+resolved|with\\s+no\\s+resolution|no\\s+resolution(?:\\s+yet)?|not\\s+(?:yet\\s+)?resolved|unresolved|(?:has|have)\\s*(?:not|n't)\\s+been\\s+resolved)\\b", () => resolvedEmpty());

  // "waiting … for a first response", "nobody is assigned to".
  take('\\bfor\\s+(?:a\\s+|the\\s+)?(?:first\\s+)?(?:response|reply|answer)\\b', () => firstResponseEmpty());
  // Explicit status: "status is Waiting on Customer", "in the Escalated column".
  if (vocabulary.status) {
    const statusOptions = (vocabulary.status.options ?? []).map((option) => escapeRegExp(option.toLowerCase())).join('|');
    const statusField = vocabulary.status.name;
    take(`\\b(?:status|state|stage)\\s+(?:is\\s+|=\\s*|of\\s+)?(${statusOptions})\\b|\\bin\\s+(?:the\\s+)?(${statusOptions})\\s+(?:status|column|state|stage)\\b`, (match) => {
      const named = (match[1] ?? match[2])!;
      add({ field: statusField, operator: 'is', value: vocabulary.status!.options!.find((option) => option.toLowerCase() === named)! });
    });
  }
  // "not escalated" / "escalated" / "open".
  const escalatedField = vocabulary.escalatedFlag;
  take('\\b(?:not\\s+(?:yet\\s+)?escalated|never\\s+escalated|unescalated)\\b', () => {
    if (escalatedField) add({ field: escalatedField.name, operator: 'is_false' });
    else if (vocabulary.tier) add({ field: vocabulary.tier.name, operator: 'is_none_of', value: (vocabulary.tier.options ?? []).filter((option) => !/^none$/i.test(option)) });
    else return false;
  });
  take('\\b(?:already\\s+)?escalated\\b', () => {
    if (escalatedField) add({ field: escalatedField.name, operator: 'is_true' });
    else if (vocabulary.tier) add({ field: vocabulary.tier.name, operator: 'is_any_of', value: (vocabulary.tier.options ?? []).filter((option) => !/^none$/i.test(option)) });
    else if (vocabulary.status?.options?.includes('Escalated')) add({ field: vocabulary.status.name, operator: 'is', value: 'Escalated' });
    else return false;
  });
  // The ball in our court: "waiting on us", "waiting for us", "on our side" — open, and not waiting on the customer.
  take("\\b(?:(?:been\\s+)?waiting\\s+(?:on|for)\\s+us|on\\s+our\\s+(?:side|plate)|in\\s+our\\s+court)\\b", () => {
    if (!vocabulary.status) return false;
    const theirs = (vocabulary.status.options ?? []).filter((option) => /waiting\s+(?:on|for)\s+(?:the\s+)?(?:customer|client|requester|them|user)|pending\s+customer|on\s+hold/i.test(option));
    // It replaces a plain open guard read before it ("open more than a day … waiting on us").
    const status = vocabulary.status.name;
    const guard = found.findIndex(({ condition }) => condition.field === status && condition.operator === 'is_none_of' && JSON.stringify(condition.value) === JSON.stringify(vocabulary.closedOptions));
    if (guard >= 0) found.splice(guard, 1);
    add({ field: status, operator: 'is_none_of', value: [...vocabulary.closedOptions, ...theirs] });
  });
  take('\\b(?:still\\s+|currently\\s+)?(?:open|active|unsolved)\\b', () => {
    if (!vocabulary.status || vocabulary.closedOptions.length === 0) return false;
    openGuard();
  });
  take('\\b(?:closed|resolved|done|finished)\\b(?!\\s+date)', (match) => {
    if (!vocabulary.status) return false;
    const closed = vocabulary.closedOptions;
    const word = match[0].toLowerCase();
    const exact = closed.find((option) => option.toLowerCase() === word);
    add(exact ? { field: vocabulary.status.name, operator: 'is', value: exact } : { field: vocabulary.status.name, operator: 'is_any_of', value: closed });
  });

  // Related enum options with an account noun: "from Enterprise accounts", "Enterprise customers", "accounts in Red health".
  if (vocabulary.relatedOptions.length) {
    const phrases = vocabulary.relatedOptions.map((option) => phraseSource(option.phrase)).join('|');
    const nouns = '(?:accounts?|customers?|companies|company|clients?|logos?|orgs?|organi[sz]ations?)';
    take(`(?:\\b(?:from|for|of|at|on|with|by)\\s+)?(?:\\ban?\\s+)?(?:\\bthe\\s+)?\\b(${phrases})(?:[\\s-]+(?:tier|health|plan|level|segment))?\\s+${nouns}\\b`, (match) => addRelated(match[1]!));
    take(`\\b${nouns}\\s+(?:that\\s+are\\s+|which\\s+are\\s+)?(?:on|in|at|with)\\s+(?:the\\s+|an?\\s+)?(${phrases})(?:[\\s-]+(?:tier|health|plan|level|segment))?\\b`, (match) => addRelated(match[1]!));
    take(`\\b(?:health|healthscore|health\\s+tier)\\s+(?:is\\s+)?(${phrases})\\b|\\b(${phrases})\\s+health\\b`, (match) => addRelated((match[1] ?? match[2])!, /health/i));
    take(`\\b${nouns}\\s+(?:is|are)\\s+(?:an?\\s+)?(${phrases})(?![\\w-])`, (match) => addRelated(match[1]!));
  }

  // Own enum options, with lists ("P1 or P2"), ranges ("P2+", "P2 or higher") and negation ("not P4").
  if (vocabulary.options.length) {
    const phrases = vocabulary.options.map((option) => phraseSource(option.phrase)).join('|');
    // The option's own field name may follow it: "P1 priority", "Red health", "Enterprise tier".
    const optionFields = [...new Set(vocabulary.options.map((option) => escapeRegExp(option.path.toLowerCase())))].join('|');
    take(`(\\b(?:not|except|other\\s+than|excluding|but\\s+not)\\s+)?(?<![\\w-])(${phrases})(?:s|'s)?(?![\\w-])(\\s*\\+|\\s+(?:or|and)\\s+(?:higher|above|up|worse|more\\s+severe|more\\s+urgent))?(\\s+(?:priority|${optionFields}))?`, (match) => {
      const phrase = vocabulary.options.find((option) => samePhrase(option.phrase, match[2]!))!;
      const list = mentioned.get(phrase.path) ?? [];
      list.push({ phrase, negated: Boolean(match[1]), orHigher: Boolean(match[3]), at: match.index });
      mentioned.set(phrase.path, list);
    });
  }
  if (options.lenient && vocabulary.relatedOptions.length) {
    const phrases = vocabulary.relatedOptions.map((option) => phraseSource(option.phrase)).join('|');
    take(`(?<![\\w-])(${phrases})(?![\\w-])`, (match) => addRelated(match[1]!));
  }
  for (const [path, mentions] of mentioned) {
    const field = mentions[0]!.phrase.field;
    at = mentions[0]!.at;
    const all = field.options ?? [];
    const included = new Set<string>();
    const excluded = new Set<string>();
    for (const mention of mentions) {
      const target = mention.negated ? excluded : included;
      if (mention.orHigher) for (const option of all.slice(0, all.indexOf(mention.phrase.option) + 1)) target.add(option);
      else target.add(mention.phrase.option);
    }
    if (included.size === 1) add({ field: path, operator: 'is', value: [...included][0]! });
    else if (included.size > 1) add({ field: path, operator: 'is_any_of', value: all.filter((option) => included.has(option)) });
    if (excluded.size > 0) add({ field: path, operator: 'is_none_of', value: all.filter((option) => excluded.has(option)) });
  }

  // Numbers and relative dates on named fields: "contract value over $100k", "renewal within 60 days".
  const numberFields = vocabulary.fields.filter((entry) => entry.field.type === 'number');
  if (numberFields.length) {
    const phrases = numberFields.map((entry) => escapeRegExp(entry.phrase)).join('|');
    const comparison = 'over|above|more\\s+than|greater\\s+than|at\\s+least|under|below|less\\s+than|at\\s+most|>=|<=|>|<';
    const amount = '\\$?[\\d.,]+\\s*[kmb]?';
    const compare = (phrase: string, words: string, value: string): false | void => {
      const entry = numberFields.find((candidate) => candidate.phrase === phrase.toLowerCase())!;
      const operator = comparisonOperators[words.toLowerCase().replace(/\s+/g, ' ') as keyof typeof comparisonOperators];
      try {
        add({ field: entry.path, operator, value: parseNumber(value.trim()) });
      } catch {
        return false;
      }
    };
    // The field, then the amount: "contract value over $100k"; the amount before the field: "over $50k contract value".
    take(`\\b(${phrases})\\s+(?:is\\s+|of\\s+)?(${comparison})\\s+(${amount})`, (match) => compare(match[1]!, match[2]!, match[3]!));
    take(`\\b(${comparison})\\s+(${amount})\\s+(?:in\\s+|of\\s+)?(${phrases})\\b`, (match) => compare(match[3]!, match[1]!, match[2]!));
  }
  const valueField = numberFields.find((entry) => /value|arr|acv|revenue|amount/i.test(entry.field.name));
  if (valueField) {
    take(`\\b(?:worth|valued\\s+at|paying|value)\\s+(over|above|more\\s+than|greater\\s+than|at\\s+least|under|below|less\\s+than|at\\s+most|>=|<=|>|<)\\s+(\\$?[\\d.,]+\\s*[kmb]?)`, (match) => {
      const operator = ({ over: 'gt', above: 'gt', 'more than': 'gt', 'greater than': 'gt', '>': 'gt', 'at least': 'gte', '>=': 'gte', under: 'lt', below: 'lt', 'less than': 'lt', '<': 'lt', 'at most': 'lte', '<=': 'lte' } as const)[match[1]!.replace(/\s+/g, ' ') as 'over'];
      try {
        add({ field: valueField.path, operator, value: parseNumber(match[2]!.trim()) });
      } catch {
        return false;
      }
    });
  }
  const dateFields = vocabulary.fields.filter((entry) => entry.field.type === 'date');
  if (dateFields.length) {
    const phrases = dateFields.map((entry) => escapeRegExp(entry.phrase)).join('|');
    take(`\\b(${phrases}|renewing|renews|renew|renewals?|(?:up\\s+)?for\\s+renewal|due\\s+(?:for\\s+|to\\s+)?renew(?:al)?)\\s+(?:is\\s+|date\\s+|comes\\s+up\\s+|is\\s+due\\s+)?(?:within|in|over)\\s+(?:the\\s+)?(?:next|coming|upcoming)?\\s*(${durationPattern})`, (match) => {
      const word = match[1]!.toLowerCase();
      const entry = dateFields.find((candidate) => candidate.phrase === word) ?? dateFields.find((candidate) => /renew/i.test(candidate.field.name));
      const duration = durationValue(match[2]!);
      if (!entry || !duration) return false;
      add({ field: entry.path, operator: 'relative_next', value: duration.compact });
    });
    // A renewal in a period ahead: "renewals coming up this quarter", "renewing next month", "up for renewal in Q1".
    take(`\\b(?:renewing|renews|renew|renewals?|(?:up\\s+)?for\\s+renewal|due\\s+(?:for\\s+|to\\s+)?renew(?:al)?)\\s+(?:(?:is|are|date|dates|comes?|coming|up|due)\\s+)*(?:(?:in|during|for|within|by)\\s+)?(?:the\\s+)?(${periodAhead})\\b`, (match) => {
      const entry = dateFields.find((candidate) => /renew/i.test(candidate.field.name));
      const value = entry ? periodValue(match[1]!, options.now, options.timeZone) : undefined;
      if (!entry || value === undefined) return false;
      add({ field: entry.path, operator: Array.isArray(value) ? 'between' : 'on', value });
    });
  }
  // Periods on the opened date: "in Q1", "last month", "this quarter", "in March 2026".
  if (vocabulary.opened) {
    const opened = vocabulary.opened.name;
    take('\\b(?:opened\\s+|created\\s+)?(?:in|during|for|from)\\s+(?:the\\s+)?(q[1-4](?:\\s+(?:of\\s+)?\\d{4})?|\\d{4}\\s*-?\\s*q[1-4]|(?:this|last)\\s+(?:week|month|quarter|year)|(?:january|february|march|april|may|june|july|august|september|october|november|december)(?:\\s+\\d{4})?|\\d{4})\\b|\\b((?:this|last)\\s+(?:week|month|quarter|year)|today|yesterday)\\b', (match) => {
      const raw = (match[1] ?? match[2])!.trim();
      const now = options.now;
      const withYear = /^[a-z]+$/.test(raw) && !/^(this|last|today|yesterday)/.test(raw) ? `${raw} ${now.getUTCFullYear()}` : raw;
      if (!parsePeriod(withYear, { now, timeZone: options.timeZone })) return false;
      add({ field: opened, operator: 'on', value: withYear.replace(/\bq([1-4])\b/, 'Q$1').replace(/\b[a-z]/g, (letter) => letter.toUpperCase()) });
    });
  }
  // Assignment.
  if (vocabulary.assignee) {
    const assignee = vocabulary.assignee.name;
    // Nobody on it: "unassigned", "without an owner", "no assignee", "nobody assigned", "unowned", "ownerless".
    take("\\b(?:unassigned|unowned|ownerless|not\\s+(?:yet\\s+)?(?:assigned|owned)(?:\\s+(?:to|by)\\s+anyone)?|(?:with(?:out)?|has\\s+no|have\\s+no)\\s+(?:an?\\s+|any\\s+|no\\s+)?(?:assignee|owner)|no\\s+(?:assignee|owner)|(?:nobody|no\\s+one|no-one)\\s+(?:is\\s+|has\\s+been\\s+|was\\s+)?(?:assigned|owning\\s+(?:it|them))(?:\\s+to(?:\\s+(?:it|them))?)?|(?:has|have)\\s+(?:nobody|no\\s+one)\\s+assigned)\\b(?!\\s*['’]s)", () => add({ field: assignee, operator: 'is_empty' }));
    take("\\bassigned\\s+to\\s+([a-z][a-z'-]*(?:\\s+[a-z][a-z'-]*)?)", (match) => add({ field: assignee, operator: 'contains', value: match[1]!.replace(/\b[a-z]/g, (letter) => letter.toUpperCase()) }));
  }
  // Any field by name: "without a Backup Owner", "Assigned To is empty", "with a Description".
  const named = vocabulary.fields.map((entry) => escapeRegExp(entry.phrase)).join('|');
  if (named) {
    take(`\\b(?:without|with\\s+no|no|missing)\\s+(?:an?\\s+|any\\s+)?(${named})\\b|\\b(${named})\\s+(?:is\\s+)?(?:empty|missing|blank|not\\s+set)\\b`, (match) => {
      const entry = fieldByPhrase(vocabulary.fields, (match[1] ?? match[2])!);
      add({ field: entry.path, operator: 'is_empty' });
    });
    take(`\\b(${named})\\s+(?:is|=|equals)\\s+([a-z0-9$][^,;]*?)(?=\\s+(?:and|or|but)\\b|[,;]|\\s*$)`, (match) => {
      const entry = fieldByPhrase(vocabulary.fields, match[1]!);
      const value = match[2]!.trim();
      if (entry.field.type === 'enum') {
        const option = (entry.field.options ?? []).find((candidate) => candidate.toLowerCase() === value || candidate.toLowerCase().startsWith(`${value} `));
        if (!option) return false;
        add({ field: entry.path, operator: 'is', value: option });
      } else if (entry.field.type === 'boolean') {
        add({ field: entry.path, operator: /^(true|yes)$/.test(value) ? 'is_true' : 'is_false' });
      } else add({ field: entry.path, operator: 'is', value });
    });
  }

  // Any other duration is an age ("gone 30 minutes", "after 4 hours open", "within 30 minutes" of no answer);
  // "under 2 hours" / "in the last hour" is a young one.
  take(`\\b(under|less\\s+than|newer\\s+than|younger\\s+than|in\\s+the\\s+(?:last|past)|within\\s+the\\s+(?:last|past))?\\s*(?:(?:at\\s+least|more\\s+than|over|after|for|within|in|beyond|past)\\s+)?(${durationPattern})(?:\\s+(?:old|or\\s+(?:more|longer|older)|already|now))?`, (match) => {
    const duration = durationValue(match[2]!);
    if (!duration || !vocabulary.opened) return false;
    if (match[1]) add({ field: vocabulary.opened.name, operator: 'newer_than', value: duration.compact, ...(duration.business ? { business: true } : {}) });
    else return age(match[2]!, undefined);
  });

  const objectTerms = new Set(objectWords(vocabulary.definition.name).flatMap((word) => [word, word.replace(/s$/, ''), `${word.replace(/s$/, '')}s`]));
  const leftovers = rest
    .split(/[^a-z0-9$'+-]+/)
    .map((word) => word.replace(/^'+|'+$/g, '').replace(/'s$/, ''))
    .filter((word) => word !== '' && word !== '-' && !stopwords.has(word) && !objectTerms.has(word));
  // Several names for one relation are alternatives: "from Globex or Acme".
  for (const entity of options.entities ?? []) {
    const named = found.filter((entry) => entry.condition.field === entity.path && entry.condition.operator === 'is');
    if (named.length < 2) continue;
    named[0]!.condition = { field: entity.path, operator: 'is_any_of', value: named.map((entry) => entry.condition.value as string) };
    for (const extra of named.slice(1)) found.splice(found.indexOf(extra), 1);
  }
  const conditions = found.sort((a, b) => a.at - b.at).map((entry) => entry.condition);
  return { conditions, leftovers: options.lenient ? meaningful(rest, leftovers) : leftovers };

  function addRelated(phrase: string, prefer?: RegExp): boolean {
    // The object's own copy of the field ("Account Tier" on the ticket) takes it, so lists merge: "Enterprise and Mid-Market".
    const own = vocabulary.options.find((option) => samePhrase(option.phrase, phrase) && !prefer);
    if (own && options.lenient) {
      const list = mentioned.get(own.path) ?? [];
      list.push({ phrase: own, negated: false, orHigher: false, at });
      mentioned.set(own.path, list);
      return true;
    }
    const matches = vocabulary.relatedOptions.filter((option) => samePhrase(option.phrase, phrase));
    const chosen = (prefer ? matches.find((option) => prefer.test(option.path)) : undefined) ?? matches[0];
    if (!chosen) return false;
    add({ field: chosen.path, operator: 'is', value: chosen.option });
    return true;
  }
}

/** An option phrase as a pattern that takes "mid market" and "midmarket" for "mid-market". */
function phraseSource(phrase: string): string {
  return escapeRegExp(phrase).replace(/-|\s+/g, '[-\\s]?');
}

function samePhrase(phrase: string, text: string): boolean {
  const squash = (value: string) => value.toLowerCase().replace(/[-\s]+/g, '');
  return squash(phrase) === squash(text);
}

const qualifiers = /^(?:with|without|whose|where|having)$/;
const accountNoun = /^(?:accounts?|customers?|companies|company|clients?|logos?)$/;
const filler = new Set('no a an the any some more less than yet still been being got gotten it them they'.split(' '));

/** Leftovers that look meaningful: numbers, and words right after "with"/"without"/"whose" (a condition on something unknown). */
function meaningful(rest: string, leftovers: string[]): string[] {
  const words = rest.split(/[^a-z0-9$'+-]+/).filter(Boolean);
  const flagged = new Set<string>();
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (/\d/.test(word) && leftovers.includes(word)) flagged.add(word);
    // A word qualifying the accounts that names no option: "from a strategic account", "key customers".
    if (leftovers.includes(word) && !filler.has(word) && accountNoun.test(words[index + 1] ?? '')) flagged.add(word);
    if (!qualifiers.test(word)) continue;
    let next = index + 1;
    while (next < words.length && filler.has(words[next]!)) next++;
    for (let taken = 0; next < words.length && taken < 3 && leftovers.includes(words[next]!) && !qualifiers.test(words[next]!); next++, taken++) flagged.add(words[next]!);
  }
  return leftovers.filter((word, index) => flagged.has(word) && leftovers.indexOf(word) === index);
}

function fieldByPhrase(fields: readonly FieldPhrase[], phrase: string): FieldPhrase {
  return fields.find((entry) => entry.phrase === phrase.toLowerCase())!;
}

const monthNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** Regex source for a period that can lie ahead: "this quarter", "next month", "Q1", "Q3 2027", "March". */
const periodAhead = `(?:this|next|the\\s+coming)\\s+(?:week|month|quarter|year)|q[1-4](?:\\s+(?:of\\s+)?\\d{4})?|(?:${monthNames.join('|')})(?:\\s+\\d{4})?`;

/**
 * A period ahead as a filter value: "this month" as said; "next month" → "2026-05", "next quarter" → "Q3 2026";
 * "next week" → [monday, sunday]; a quarter or month without a year is the next one not yet over (renewals lie ahead).
 */
export function periodValue(words: string, now: Date, timeZone: string): string | [string, string] | undefined {
  const text = words.toLowerCase().replace(/\s+/g, ' ').replace(/^the coming /, 'next ');
  const at = DateTime.fromJSDate(now).setZone(timeZone);
  if (/^this (?:week|month|quarter|year)$/.test(text)) return text;
  const next = /^next (week|month|quarter|year)$/.exec(text);
  if (next) {
    const unit = next[1] as 'week' | 'month' | 'quarter' | 'year';
    const start = at.startOf(unit).plus({ [`${unit}s`]: 1 });
    if (unit === 'month') return start.toFormat('yyyy-MM');
    if (unit === 'quarter') return `Q${start.quarter} ${start.year}`;
    if (unit === 'year') return String(start.year);
    return [start.toISODate()!, start.plus({ days: 6 }).toISODate()!];
  }
  const quarter = /^q([1-4])(?: (?:of )?(\d{4}))?$/.exec(text);
  if (quarter) return `Q${quarter[1]} ${quarter[2] ?? (Number(quarter[1]) < at.quarter ? at.year + 1 : at.year)}`;
  const month = /^([a-z]+)(?: (\d{4}))?$/.exec(text);
  const index = month ? monthNames.indexOf(month[1]!) : -1;
  if (index >= 0) return `${month![2] ?? (index + 1 < at.month ? at.year + 1 : at.year)}-${String(index + 1).padStart(2, '0')}`;
  return parsePeriod(text, { now, timeZone }) ? text : undefined;
}
