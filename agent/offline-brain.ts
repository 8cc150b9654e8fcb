// The offline brain: a deterministic reader of the escalation language (no network, no API key). Each message goes
// to the first intent that recognises it; what none recognises is said plainly, with what works offline.
import type { Workspace } from '../objects/workspace';
import { errorMessage, EscalatorError } from '../objects/errors';
import type { AgentReply, AgentRequest, Brain } from './brain';
import { chatKey } from './conversation-store';
import { addFieldsIntent, createObjectIntent, looksLikeAddFields, looksLikeCreateObject } from './offline/object-intent';
import { jobIntent } from './offline/job-intent';
import { jobFollowUp } from './offline/job-follow-up';
import { jobEditIntent } from './offline/job-edit';
import { classRuleInstruction, looksLikeClassRule, looksLikeJob } from './offline/job-instruction';
import { routeQuestion } from './offline/question-intent';
import { entryIntent } from './offline/entry-intent';
import { alertIntent } from './offline/alert-intent';
import { documentIntent } from './offline/document-intent';
import { looksLikeReview, reviewIntent } from './offline/review-intent';
import { reportIntent, slaReportQuestion } from './offline/report-intent';
import type { ChatMemory, IntentResult, Turn } from './offline/turn';
import { deleteViewIntent, looksLikeView, viewIntent } from './offline/view-intent';
import type { Toolbox } from './toolbox';

type Pending =
  | { kind: 'confirm'; what: string; confirm: () => Promise<AgentReply | IntentResult> }
  | { kind: 'ask'; resume: (answer: string) => string };

const yes = /^(?:y|yes|yep|yeah|yup|sure|ok|okay|confirm(?:ed)?|save(?:\s+it)?|do\s+it|go(?:\s+ahead)?|looks\s+good|lgtm|please\s+do|correct|right|approved?)\b[\s.!]*$/i;
const no = /^(?:n|no|nope|cancel|stop|discard|don'?t|never\s*mind|forget\s+it|abort)\b[\s.!]*$/i;

export const offlineHelp = [
  'Offline I understand the escalation language:',
  '- objects: "Create a support_tickets object with these fields: title (text), customer (relation to company), priority (enum) …"; "Add a "Backup Owner" field to company"',
  '- views: "Build a view that shows open tickets with account context:" with name/filters/sort lines, or "create a view called "Hot P1s" of open P1 tickets sorted by Opened Date"',
  '- jobs: "Every 30 minutes, check for support tickets … P1 tickets open more than 30 minutes without a first response date: escalate to Tier 2 … message me"',
  '- tickets: "new P1 ticket from Acme Corp: Unable to export data", "mark <ticket> resolved", "we responded to <ticket>", "assign <ticket> to Priya"',
  '- questions: "how many open P1 tickets", "escalated tickets for Acme Corp", "which tickets breach SLA", "show the board", "list jobs",',
  '  "Show me all Enterprise accounts that had more than 2 escalated tickets in Q1 and their current health tier", "monthly escalation report"',
  '- alerts: "ack the Globex SSO alert", "snooze that alert for 2 hours", "escalate the Acme export alert to Tier 3", "resolve …", "snooze alerts for Initech until tomorrow 9am"',
  '- reviews: "Log a post-escalation review for Acme Corp\'s export issue: root cause was … Resolved by … Prevention: … Follow-up: …"',
  'With ANTHROPIC_API_KEY set (and no --offline) I take free-form requests too.',
].join('\n');

export class OfflineBrain implements Brain {
  readonly kind = 'offline' as const;
  private readonly pending = new Map<string, Pending>();
  private readonly memories = new Map<string, ChatMemory>();

  constructor(private readonly options: { workspace: Workspace; toolbox: Toolbox }) {}

  async reply(request: AgentRequest): Promise<AgentReply> {
    const key = chatKey(request.chat);
    const pending = this.pending.get(key);
    this.pending.delete(key);
    let memory = this.memories.get(key);
    if (!memory) {
      memory = {};
      this.memories.set(key, memory);
    }
    const turn: Turn = {
      memory,
      workspace: this.options.workspace,
      toolbox: this.options.toolbox,
      context: request.user === undefined ? { chat: request.chat } : { chat: request.chat, user: request.user },
    };
    let text = request.text.trim();
    let preface = '';
    if (pending?.kind === 'confirm') {
      if (yes.test(text)) {
        const done = await pending.confirm();
        // A saved write may lead to a further proposal (the FAQ's Backup Owner field, then the job change).
        if (!('kind' in done)) return done;
        return this.settle(key, done, '');
      }
      if (no.test(text)) {
        // A plain "no" discards the proposal: a later "make it hourly" does not bring the job back.
        delete memory.pendingJob;
        return { text: `OK, I did not save ${pending.what}.` };
      }
      preface = `(I did not save ${pending.what}.)\n`;
    } else if (pending?.kind === 'ask' && !startsNewRequest(text)) {
      text = pending.resume(text);
    }
    if (!pending && (yes.test(text) || no.test(text))) return { text: 'Nothing is waiting for a yes or no right now. Say "help" to see what I can do offline.' };
    let result: IntentResult;
    try {
      result = await this.route(turn, text);
    } catch (error) {
      if (error instanceof EscalatorError) result = { kind: 'reply', reply: { text: `${errorMessage(error)}. Nothing more was changed.`.replace(/\.\./g, '.') } };
      else throw error;
    }
    return this.settle(key, result, preface);
  }

  /** Replies with a result, keeping what it waits for (an answer, or a yes). */
  private settle(key: string, result: IntentResult, preface: string): AgentReply {
    if (result.kind === 'ask') {
      this.pending.set(key, { kind: 'ask', resume: result.resume });
      return { text: preface + result.question };
    }
    if (result.kind === 'confirm') {
      this.pending.set(key, { kind: 'confirm', what: result.what, confirm: result.confirm });
      return { text: preface + result.text };
    }
    return preface ? { ...result.reply, text: preface + result.reply.text } : result.reply;
  }

  private async route(turn: Turn, text: string): Promise<IntentResult> {
    if (/^(?:help|\?|what\s+can\s+you\s+do\??|commands|how\s+do\s+i\s+use\s+(?:this|you)\??)$/i.test(text)) return { kind: 'reply', reply: { text: offlineHelp } };
    const removedView = await deleteViewIntent(turn, text);
    if (removedView) return removedView;
    const document = looksLikeReview(text) ? undefined : await documentIntent(turn, text);
    if (document) return document;
    const edit = await jobEditIntent(turn, text);
    if (edit) return edit;
    const followUp = await jobFollowUp(turn, text);
    if (followUp) return followUp;
    // A rule over a class of tickets ("P1s without a response after 30 minutes should go to tier 2") is a job proposal.
    if (looksLikeClassRule(text)) return jobIntent(turn, classRuleInstruction(text));
    const alertAction = await alertIntent(turn, text);
    if (alertAction) return alertAction;
    const report = await reportIntent(turn, text);
    if (report) return report;
    const slaReport = await slaReportQuestion(turn, text);
    if (slaReport) return slaReport;
    if (looksLikeJob(text)) return jobIntent(turn, text);
    if (looksLikeView(text)) return viewIntent(turn, text);
    if (looksLikeCreateObject(text)) return createObjectIntent(turn, text);
    if (looksLikeReview(text)) return reviewIntent(turn, text);
    if (looksLikeAddFields(text)) return addFieldsIntent(turn, text);
    const entry = await entryIntent(turn, text);
    if (entry) return entry;
    const question = await routeQuestion(turn, text);
    if (question) return question;
    return { kind: 'reply', reply: { text: cannotRead(text) } };
  }
}

/** One or two lines: what could not be read (the request's verb, when it asked for a change), and where to look. */
function cannotRead(text: string): string {
  const shown = text.length > 120 ? `${text.slice(0, 117)}…` : text;
  const change = /^\s*(?:please\s+)?(set|change|update|delete|remove|drop|rename|escalate|assign|mark|close|resolve|make|move|add|create)\b/i.exec(text);
  const what = change ? `I could not tell what to ${change[1]!.toLowerCase()} in "${shown}" offline, so I did nothing.` : `I could not read "${shown}" offline, so I did nothing.`;
  return `${what}\nSay "help" for what I understand offline; with ANTHROPIC_API_KEY set I take free-form requests.`;
}

/**
 * A message that is plainly a new request rather than the answer to a question just asked: more than four words,
 * opening with a verb that starts a request of its own ("stop the alerts for Acme Corp for 2 hours", "show the
 * board"). Short answers ("every 30 minutes", "support-escalation", "stop it") are always answers, and so are actions
 * ("escalate to engineering and notify me" answers "What should happen?").
 */
export function startsNewRequest(text: string): boolean {
  return text.split(/\s+/).length > 4 && newRequestStart.test(text);
}

const newRequestStart =
  /^(?:please\s+|pls\s+|can\s+you\s+|could\s+you\s+)?(?:help|show|list|how\s+many|create|build|make|add|new|log|mark|assign|which|what|who|stop|pause|resume|mute|unmute|silence|snooze|ack(?:nowledge)?|resolve|close|reopen|delete|remove|cancel|schedule|set\s+up|rename|update|change|document|write|record)\b/i;
