// The person's say-so for tools that delete or change many entries: the tool previews in one turn of a chat and
// takes confirm=true only in a later turn of the same chat, so words inside a ticket or another tool result can
// neither skip the preview nor approve it.
import { createHash } from 'node:crypto';
import type { ToolContext } from './tool';

/** Previews kept at most; the oldest go first (a forgotten preview only means previewing again). */
const maxPreviews = 1000;

export class Confirmations {
  /** Chat and action → the turn the preview was shown in. */
  private readonly previews = new Map<string, number>();

  /** Records that `action` (a description of exactly what would be done) was previewed in this turn. */
  previewed(context: ToolContext, action: string): void {
    if (context.turn === undefined) return;
    const key = keyOf(context, action);
    this.previews.delete(key);
    this.previews.set(key, context.turn);
    while (this.previews.size > maxPreviews) this.previews.delete(this.previews.keys().next().value!);
  }

  /**
   * Whether confirm=true may act now: the caller runs its own confirmation (no turn — the offline brain asks "yes?"
   * itself), or this very action was previewed in an earlier turn of this chat, with the person's message between.
   */
  allows(context: ToolContext, action: string): boolean {
    if (context.turn === undefined) return true;
    const shownIn = this.previews.get(keyOf(context, action));
    return shownIn !== undefined && shownIn < context.turn;
  }

  /** Forgets a preview once it was acted on: a second deletion needs a second yes. */
  used(context: ToolContext, action: string): void {
    this.previews.delete(keyOf(context, action));
  }
}

function keyOf(context: ToolContext, action: string): string {
  return `${context.chat.channel}:${context.chat.id}:${createHash('sha256').update(action).digest('hex')}`;
}

/** An action as a stable string (object keys sorted), so the same input previewed and confirmed is the same action. */
export function actionOf(tool: string, input: unknown): string {
  return `${tool} ${canonicalJson(input)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
