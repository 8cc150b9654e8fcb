// The terminal chat: a REPL with history when stdin is a terminal; otherwise messages read from stdin, separated by
// blank lines (a message may span lines, like a bullet list), each answered in turn. Alerts print as they happen.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Agent, AgentReply, ChatRef } from '../../agent/brain';

export interface TerminalChatOptions {
  agent: Agent;
  chat: ChatRef;
  input: NodeJS.ReadableStream;
  /** Writes one block of text (a newline is added). */
  write: (text: string) => void;
  interactive: boolean;
  /** Waits until jobs and deliveries set off by the last message are done (so alerts print before the next turn). */
  settle?: () => Promise<void>;
  /** Where the REPL keeps its line history between sessions. */
  historyFile?: string;
  user?: string;
}

/** A reply as terminal text: the text, then each attachment's path. */
export function replyText(reply: AgentReply): string {
  const files = (reply.attachments ?? []).map((file) => `[${file.kind}] ${file.path}${file.caption ? ` — ${file.caption}` : ''}`);
  return [reply.text, ...files].join('\n');
}

/** Splits piped input into messages: blank lines separate them; lines within one message stay together. */
export function splitMessages(input: string): string[] {
  return input
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((message) => message.trim())
    .filter((message) => message !== '');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs the chat until the input ends (Ctrl-D, or the end of piped input). */
export async function runTerminalChat(options: TerminalChatOptions): Promise<void> {
  const ask = async (text: string) => {
    const request = options.user === undefined ? { chat: options.chat, text } : { chat: options.chat, user: options.user, text };
    const reply = await options.agent.handle(request);
    options.write(replyText(reply));
    await options.settle?.();
  };
  if (!options.interactive) {
    for (const message of splitMessages(await readAll(options.input))) {
      options.write(`\n${message.split('\n').map((line) => `> ${line}`).join('\n')}`);
      await ask(message);
    }
    return;
  }
  await repl(options, ask);
}

/** The interactive loop: pasted lines arriving together form one message; a line ending in "\" continues. */
async function repl(options: TerminalChatOptions, ask: (text: string) => Promise<void>): Promise<void> {
  const history = options.historyFile && existsSync(options.historyFile) ? readFileSync(options.historyFile, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500) : [];
  const readline = createInterface({ input: options.input, output: process.stdout, terminal: true, history, historySize: 500, prompt: 'you> ' });
  let buffer: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let busy = Promise.resolve();
  const flush = () => {
    timer = undefined;
    const message = buffer.join('\n').trim();
    buffer = [];
    if (!message) return readline.prompt();
    busy = busy.then(async () => {
      readline.pause();
      await ask(message);
      readline.resume();
      readline.prompt();
    });
  };
  readline.on('line', (line) => {
    if (line.endsWith('\\')) {
      buffer.push(line.slice(0, -1));
      readline.setPrompt('...> ');
      readline.prompt();
      return;
    }
    readline.setPrompt('you> ');
    buffer.push(line);
    if (timer) clearTimeout(timer);
    // Lines that arrive within a few milliseconds of each other were pasted together: one message.
    timer = setTimeout(flush, 25);
  });
  readline.prompt();
  await new Promise<void>((resolve) => readline.on('close', resolve));
  if (timer) {
    clearTimeout(timer);
    flush();
  }
  await busy;
  if (options.historyFile) {
    const lines = (readline as unknown as { history: string[] }).history.slice().reverse();
    writeFileSync(options.historyFile, `${lines.slice(-500).join('\n')}\n`);
  }
}
