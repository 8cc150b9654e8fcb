// Typo correction against the words the reader knows — its own terms, the workspace's object, field and option
// names, and the names of related entries ("escalte" → "escalate", "opne" → "open", "Globx" → "Globex"). Each
// correction is reported so the say-back can show it.
import type { Workspace } from '../../../objects/workspace';
import { countValue } from '../words';

/** Terms of the escalation language itself. */
const coreTerms =
  'escalate escalated escalation escalations ticket tickets open opened response responses first respond responded reply replied answer answered ' +
  'unanswered resolved resolution unresolved minutes minute hours hour days weeks every hourly daily weekday weekdays notify alert message ' +
  'engineering executive critical urgent priority tier enterprise customer customers account accounts company companies without assigned ' +
  'unassigned support telegram monitor check status waiting progress backup owner owners manager closed business working ' +
  'assignee assignees midmarket reply replies responder lead leads team engineer engineers exec execs anyone nobody someone older newer ' +
  'higher lower above below worse quarter quarters half ticket critical';

/** Words never corrected (they are words already, or too short to guess). */
const keep = new Set('there these those their where which while within other after before about under over more than with from into onto what when then them they this that have been sitting close resolve reopen assign mark make give send bump move take file ping page tell text email also each once sent gone done going'.split(' '));

let cachedCore: Set<string> | undefined;

/** Optimal string alignment distance: edits with adjacent swaps counted once ("opne" → "open" is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) => Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(table[row - 1]![column]! + 1, table[row]![column - 1]! + 1, table[row - 1]![column - 1]! + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) best = Math.min(best, table[row - 2]![column - 2]! + 1);
      table[row]![column] = best;
    }
  }
  return table[a.length]![b.length]!;
}

/** The words the workspace gives: object, field and option names, and the names of entries (companies, people). */
export function workspaceWords(workspace: Workspace, names: readonly string[] = []): Set<string> {
  if (!cachedCore) cachedCore = new Set(coreTerms.split(' '));
  const words = new Set(cachedCore);
  const addText = (text: string) => {
    for (const word of text.toLowerCase().split(/[^a-z0-9]+/)) if (word.length >= 3) words.add(word);
  };
  for (const definition of workspace.objects.values()) {
    addText(definition.name.replace(/_/g, ' '));
    for (const field of definition.fields) {
      addText(field.name);
      for (const option of field.options ?? []) addText(option);
    }
  }
  for (const name of names) addText(name);
  // People by name ("ping Marcus Reid"): never corrected into a vocabulary word ("Reid" → "red").
  for (const person of workspace.config.people) addText(person.name);
  return words;
}

export interface Corrected {
  text: string;
  /** "escalte" → "escalate", in order. */
  corrections: { from: string; to: string }[];
}

/** Replaces words that are one edit (two, for long words) from exactly one known word, keeping the rest as typed. */
export function correctTypos(text: string, known: Set<string>): Corrected {
  const corrections: Corrected['corrections'] = [];
  const corrected = text.replace(/\b[A-Za-z]{4,}\b/g, (word) => {
    const lower = word.toLowerCase();
    if (countValue(lower) !== undefined || known.has(lower) || keep.has(lower) || known.has(lower.replace(/s$/, '')) || known.has(lower.replace(/(?:ed|ing)$/, ''))) return word;
    const limit = lower.length >= 8 ? 2 : 1;
    let best: string | undefined;
    let bestDistance = limit + 1;
    let ties = 0;
    for (const candidate of known) {
      if (Math.abs(candidate.length - lower.length) > limit || candidate[0] !== lower[0] && candidate[1] !== lower[1]) continue;
      const distance = editDistance(lower, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
        ties = 1;
      } else if (distance === bestDistance) ties++;
    }
    if (!best || ties > 1 || bestDistance > limit) return word;
    corrections.push({ from: word, to: best });
    return /^[A-Z]/.test(word) ? best[0]!.toUpperCase() + best.slice(1) : best;
  });
  return { text: corrected, corrections };
}

/** "(I read "escalte" as "escalate".)" — or nothing. */
export function correctionNote(corrections: Corrected['corrections']): string {
  if (corrections.length === 0) return '';
  return `(I read ${corrections.map((correction) => `"${correction.from}" as "${correction.to}"`).join(', ')}.)`;
}
