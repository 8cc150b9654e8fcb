// Which object a sentence is about: "support tickets" → support_tickets, "tickets" → the one object with tickets
// in its name, "companies" → company.
import type { Workspace } from '../../objects/workspace';
import { escapeRegExp } from './words';

function forms(word: string): string[] {
  const singular = word.replace(/ies$/, 'y').replace(/s$/, '');
  const plural = singular.endsWith('y') ? `${singular.slice(0, -1)}ies` : `${singular}s`;
  return [...new Set([word, singular, plural])];
}

/** Objects mentioned in `text`, best first: full names ("support tickets") before single words ("tickets"). */
export function mentionedObjects(workspace: Workspace, text: string): string[] {
  const lower = ` ${text.toLowerCase().replace(/[_-]/g, ' ')} `;
  const scored: { name: string; score: number; at: number }[] = [];
  const lastWordOwners = new Map<string, string[]>();
  for (const name of workspace.objects.keys()) {
    const words = name.split('_');
    const last = words[words.length - 1]!;
    for (const form of forms(last)) lastWordOwners.set(form, [...(lastWordOwners.get(form) ?? []), name]);
  }
  for (const name of workspace.objects.keys()) {
    const words = name.split('_');
    const fullForms = forms(words[words.length - 1]!).map((last) => [...words.slice(0, -1), last].join(' '));
    let best: { score: number; at: number } | undefined;
    for (const form of fullForms) {
      const at = lower.search(new RegExp(`\\b${escapeRegExp(form)}\\b`));
      if (at >= 0 && (!best || at < best.at)) best = { score: words.length + 1, at };
    }
    if (!best && words.length > 1) {
      for (const form of forms(words[words.length - 1]!)) {
        if ((lastWordOwners.get(form) ?? []).length !== 1) continue;
        const at = lower.search(new RegExp(`\\b${escapeRegExp(form)}\\b`));
        if (at >= 0 && (!best || at < best.at)) best = { score: 1, at };
      }
    }
    if (!best && words.length === 1) {
      const aliases = name === 'company' ? ['account', 'accounts', 'customer', 'customers', 'companies'] : name === 'people' ? ['person', 'contacts', 'contact'] : [];
      for (const alias of aliases) {
        const at = lower.search(new RegExp(`\\b${alias}\\b`));
        if (at >= 0 && (!best || at < best.at)) best = { score: 0.5, at };
      }
    }
    if (best) scored.push({ name, ...best });
  }
  return scored.sort((a, b) => b.score - a.score || a.at - b.at).map((entry) => entry.name);
}
