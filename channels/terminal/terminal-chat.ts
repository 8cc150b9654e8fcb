// The terminal chat: a REPL with history when stdin is a terminal; otherwise messages read from stdin, separated by
// blank lines (a message may span lines, like a bullet list), each answered in turn. Alerts print as they happen;
// in the REPL they print above the prompt, which is redrawn with what the person had typed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Transform, type TransformCallback } from 'node:stream';
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
  /** The REPL's output (default process.stdout); tests pass a stream. */
  output?: NodeJS.WritableStream;
  /**
   * Called once the chat runs, with the function that prints text arriving on its own (an alert): above the prompt
   * in the REPL, keeping what the person is typing.
   */
  onPrinter?: (print: (text: string) => void) => void;
}

/** Bracketed paste (xterm, and every common terminal): the terminal wraps pasted text in these markers. */
const pasteStart = '\x1b[200~';
const pasteEnd = '\x1b[201~';
/** What a line break inside a paste shows as on the prompt line until Enter sends the whole paste as one message. */
export const pastedLineBreak = '↵';

/**
 * Rewrites line breaks inside a bracketed paste as `pastedLineBreak`, so a pasted bullet list sits on the prompt as
 * one message (ending in a line break or not) until Enter; markers split across chunks are handled.
 */
export class PasteJoiner extends Transform {
  private pasting = false;
  private pending = '';

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    let text = this.pending + chunk.toString();
    this.pending = '';
    let out = '';
    while (text.length > 0) {
      const marker = this.pasting ? pasteEnd : pasteStart;
      const at = text.indexOf(marker);
      if (at === -1) {
        // Keep a possible start of a marker for the next chunk.
        const keep = partialSuffix(text, marker);
        out += this.convert(text.slice(0, text.length - keep));
        this.pending = text.slice(text.length - keep);
        break;
      }
      out += this.convert(text.slice(0, at));
      text = text.slice(at + marker.length);
      this.pasting = !this.pasting;
    }
    done(null, out);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.convert(this.pending));
  }

  private convert(text: string): string {
    return this.pasting ? text.replace(/\r\n|\r|\n/g, pastedLineBreak) : text;
  }
}

function partialSuffix(text: string, marker: string): number {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
    if (marker.startsWith(text.slice(-length))) return length;
  }
  return 0;
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

type Printer = (text: string) => void;

/** The interactive loop: pasted lines arriving together form one message; a line ending in "\" continues. */
async function repl(options: TerminalChatOptions, ask: (text: string) => Promise<void>): Promise<void> {
  const history = options.historyFile && existsSync(options.historyFile) ? readFileSync(options.historyFile, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500) : [];
  const output = options.output ?? process.stdout;
  const input = options.input.pipe(new PasteJoiner());
  // Raw mode is the input's own (a TTY); the joiner only rewrites what arrives.
  const tty = options.input as { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  if (tty.setRawMode) Object.assign(input, { isTTY: tty.isTTY, setRawMode: (mode: boolean) => tty.setRawMode!.call(tty, mode) });
  const readline = createInterface({ input, output, terminal: true, history, historySize: 500, prompt: 'you> ' });
  output.write('\x1b[?2004h');
  let answering = false;
  const print: Printer = (text) => {
    if (answering) {
      output.write(`${text}\n`);
      return;
    }
    // Clear the prompt line, print above it, then redraw the prompt with what was typed.
    output.write(`\r\x1b[2K${text}\n`);
    readline.prompt(true);
  };
  options.onPrinter?.(print);
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
      answering = true;
      try {
        await ask(message);
      } finally {
        answering = false;
      }
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
    buffer.push(line.split(pastedLineBreak).join('\n'));
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
  output.write('\x1b[?2004l');
  if (options.historyFile) {
    const lines = (readline as unknown as { history: string[] }).history.slice().reverse();
    writeFileSync(options.historyFile, `${lines.slice(-500).join('\n')}\n`);
  }
}
