// Offline: monitoring jobs. Parses the instruction, says the job back with its next runs and a dry-run preview,
// and saves it through schedule_job only after "yes".
import { previewJob, previewText } from '../../tools/job-preview';
import { creatorOf } from '../../tools/schedule-job';
import { errorMessage } from '../../objects/errors';
import { parseJobInstruction, type JobData } from './job-instruction';
import { callTool, reply, type IntentResult, type Turn } from './turn';

export async function jobIntent(turn: Turn, text: string): Promise<IntentResult> {
  const parsed = await parseJobInstruction(turn.workspace, text);
  if (parsed.kind === 'ask') return parsed;
  if (parsed.kind === 'problem') return reply(parsed.message);
  return proposeJob(turn, parsed.data, parsed.notes);
}

/** Says a new job back (next runs, dry run) and saves it through schedule_job on "yes". */
export async function proposeJob(turn: Turn, jobData: JobData, notes: string[]): Promise<IntentResult> {
  const data = { ...jobData, created_by: creatorOf(turn.context) };
  let preview;
  try {
    preview = await previewJob(turn.workspace, data);
  } catch (error) {
    return reply(`That job would not be valid: ${errorMessage(error)}. Nothing was saved.`);
  }
  const lines = [...notes.filter((note) => note.startsWith('(')), previewText(preview, { saved: false })];
  if (notes.includes('telegram') && turn.context.chat.channel !== 'telegram') {
    lines.push(`Alerts to "me" go to the chat the job was made in (this ${turn.context.chat.channel}); create it from Telegram to get them there.`);
  }
  lines.push('Reply "yes" to save it, or tell me what to change.');
  turn.memory.pendingJob = jobData;
  return {
    kind: 'confirm',
    what: `the job "${data.name}"`,
    text: lines.join('\n'),
    confirm: async () => {
      const result = await callTool(turn, 'schedule_job', { ...jobData, confirm: true });
      turn.memory.lastJob = jobData.name;
      delete turn.memory.pendingJob;
      return { text: `Saved. ${previewTextAfterSave(result)}` };
    },
  };
}

function previewTextAfterSave(result: Record<string, unknown>): string {
  const nextRuns = (result.next_runs as string[] | undefined) ?? [];
  return `The job "${String(result.job)}" is in ${String(result.file)} and runs ${String(result.schedule)}; next run ${nextRuns[0] ?? '—'}. It also checks each ticket the moment it is created or changed.`;
}
