// Offline: workspace documents (the escalation policy, runbooks) — "write down our escalation policy: P1 gets 30 min
// first response, P2 gets 4h", "add to the policy doc: …", "what did we write in the escalation policy doc?", "list
// docs". Writes are said back and saved through write_document on "yes"; a document is found by a loose name (its
// words, in any order of separators: "the policy doc" finds escalation-policy).
import { listWorkspaceDocuments, workspaceDocumentName } from '../../objects/documents';
import { callTool, reply, sayBack, type IntentResult, type Turn } from './turn';

const docWord = '(?:doc|docs|document|documents|page|note|notes|runbook|writeup|write-up)';
const lead = '(?:please\\s+|pls\\s+|can\\s+you\\s+|could\\s+you\\s+)?';
const writeVerb = '(?:write\\s+(?:down|up)|write|document|record|note\\s+down|jot\\s+down|put\\s+down|save|capture|create\\s+(?:a|the)\\s+' + docWord + '\\s+(?:called|named|for)|start\\s+(?:a|the)\\s+' + docWord + '\\s+(?:called|named|for)|new\\s+' + docWord + '(?:\\s+(?:called|named|for))?)';
const write = new RegExp(`^${lead}${writeVerb}\\s+(?:down\\s+)?(?:our|the|a|an|my)?\\s*([\\w][\\w\\s'/&-]{0,60}?)(?:\\s+${docWord})?\\s*:\\s*([\\s\\S]+)$`, 'i');
// "save a note called on-call rotation: …", "write a doc named holiday coverage - …", "create a document titled "X": …":
// the words after called/named/titled give the name (never the verb's own words), up to a colon or a spaced dash.
const titled = new RegExp(
  `^${lead}(?:write(?:\\s+(?:down|up))?|save|create|make|start|add|jot\\s+down|note\\s+down|put\\s+down|record|capture|keep|new)\\s+(?:(?:a|an|the|our|my)\\s+)?(?:new\\s+)?${docWord}\\s+(?:called|named|titled|entitled)\\s+["“'‘]?([\\w][\\w\\s'/&-]{0,60}?)["”'’]?\\s*(?::|\\s[-–—]+\\s)\\s*([\\s\\S]+)$`,
  'i',
);
const append = new RegExp(`^${lead}(?:add|append)\\s+(?:this\\s+|these\\s+|the\\s+following\\s+)?(?:to|onto|into)\\s+(?:our|the|my)?\\s*([\\w][\\w\\s'/&-]{0,60}?)(?:\\s+${docWord})?\\s*:\\s*([\\s\\S]+)$`, 'i');
const appendAfter = new RegExp(`^${lead}(?:add|append)\\s+([\\s\\S]+?)\\s+(?:to|into)\\s+(?:our|the|my)\\s+([\\w][\\w\\s'/&-]{0,60}?)\\s+${docWord}\\s*[.!]?$`, 'i');
const show = new RegExp(
  `^${lead}(?:what\\s+(?:did\\s+we|have\\s+we|do\\s+we\\s+have)\\s+(?:write|written|wrote|put|say|said)?\\s*(?:down\\s+)?(?:in|on)|what(?:'s|\\s+is|\\s+does)\\s+(?:in\\s+)?|show(?:\\s+me)?|open|read(?:\\s+me)?|display|print|pull\\s+up|bring\\s+up|get(?:\\s+me)?|cat)\\s+(?:our|the|my)?\\s*([\\w][\\w\\s'/&-]{0,60}?)(?:\\s+(?:say|says))?\\s*[?.!]*$`,
  'i',
);
const list = new RegExp(`^${lead}(?:list|show(?:\\s+me)?|what|which)\\s+(?:(?:are\\s+)?(?:the|our|all|my)\\s+)?(?:workspace\\s+)?${docWord}(?:\\s+(?:do\\s+we\\s+have|are\\s+there|exist))?\\s*\\??$`, 'i');

/** The words of a name, without filler: "our Escalation-Policy doc" → ["escalation", "policy"]. */
function nameWords(name: string): string[] {
  return name
    .toLowerCase()
    .replace(new RegExp(`\\b${docWord}\\b`, 'g'), ' ')
    .split(/[^a-z0-9-]+/)
    .map((word) => word.replace(/^-+|-+$/g, ''))
    .filter((word) => word && !/^(?:our|the|a|an|my|we|in|on|of|for|about)$/.test(word));
}

/** An existing document whose name the words point at: all of them in its name, or all of its name's words in them. */
function findDocument(turn: Turn, words: string[]): string | undefined {
  if (words.length === 0) return undefined;
  words = words.flatMap((word) => word.split('-'));
  const documents = listWorkspaceDocuments(turn.workspace);
  const exact = documents.find((name) => name === words.join('-'));
  if (exact) return exact;
  const within = documents.filter((name) => words.every((word) => name.split('-').includes(word)));
  if (within.length === 1) return within[0];
  const covering = documents.filter((name) => name.split('-').every((word) => words.includes(word)));
  return covering.length === 1 ? covering[0] : undefined;
}

export async function documentIntent(turn: Turn, text: string): Promise<IntentResult | undefined> {
  if (list.test(text)) {
    const documents = listWorkspaceDocuments(turn.workspace);
    return reply(documents.length ? `Workspace documents: ${documents.join(', ')}.` : 'There are no workspace documents yet. Say e.g. "write down our escalation policy: P1 gets 30 min first response".');
  }
  const appended = append.exec(text) ?? (() => {
    const match = appendAfter.exec(text);
    return match ? ([match[0], match[2], match[1]] as unknown as RegExpExecArray) : null;
  })();
  if (appended) {
    const words = nameWords(appended[1]!);
    const existing = findDocument(turn, words);
    if (!existing && !new RegExp(`\\b${docWord}\\b`, 'i').test(text)) return undefined;
    return proposeWrite(turn, existing ?? words.join('-'), appended[2]!.trim(), Boolean(existing));
  }
  const named = titled.exec(text);
  if (named && nameWords(named[1]!).length > 0 && nameWords(named[1]!).length <= 6) {
    const words = nameWords(named[1]!);
    const existing = findDocument(turn, words);
    return proposeWrite(turn, existing ?? words.join('-'), named[2]!.trim(), false, Boolean(existing));
  }
  const written = write.exec(text);
  if (written && nameWords(written[1]!).length > 0 && nameWords(written[1]!).length <= 6) {
    const words = nameWords(written[1]!);
    const existing = findDocument(turn, words);
    return proposeWrite(turn, existing ?? words.join('-'), written[2]!.trim(), false, Boolean(existing));
  }
  const shown = show.exec(text);
  if (shown) {
    const mentionsDoc = new RegExp(`\\b${docWord}\\b`, 'i').test(text);
    const words = nameWords(shown[1]!);
    const existing = findDocument(turn, words);
    if (existing) {
      const result = await callTool(turn, 'read_document', { document: existing });
      return reply(`${existing} (${String(result.file)}):\n${String(result.markdown).trimEnd()}`);
    }
    if (mentionsDoc && words.length) {
      const documents = listWorkspaceDocuments(turn.workspace);
      return reply(`There is no workspace document "${workspaceDocumentName(words.join(' '))}" (documents: ${documents.join(', ') || 'none yet'}).`);
    }
  }
  return undefined;
}

function proposeWrite(turn: Turn, name: string, body: string, append: boolean, replaces = false): IntentResult {
  const document = workspaceDocumentName(name);
  const markdown = body.replace(/\s*;\s*/g, '\n').replace(/^\s*[-*•]\s*/gm, '- ');
  const verb = append ? `Append to the document ${document}` : replaces ? `Replace the document ${document} with` : `Write the document ${document} (docs/${document}.md)`;
  return sayBack(`the document ${document}`, `${verb}:\n${markdown.split('\n').map((line) => `  ${line}`).join('\n')}`, async () => {
    const result = await callTool(turn, 'write_document', { document, markdown, append });
    return reply(`${append ? 'Appended to' : 'Saved'} ${String(result.document)} (${String(result.file)}). Say "show the ${document.replace(/-/g, ' ')} doc" to read it.`);
  });
}
