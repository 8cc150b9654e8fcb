// The terminal chat (issue 12, item 6): it owns its workspace as serve does, a bracketed paste arrives as one
// message whether or not it ends in a line break, and an alert printed while the person types redraws the prompt
// with what they had typed. The REPL runs on real readline over streams; ownership with real processes.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Agent, AgentRequest } from '../agent/brain';
import { PasteJoiner, pastedLineBreak, runTerminalChat } from '../channels/terminal/terminal-chat';
import { runEscalator, temporaryDir, testNow } from './helpers';

function joined(chunks: string[]): Promise<string> {
  const joiner = new PasteJoiner();
  let out = '';
  joiner.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => {
    joiner.on('end', () => resolve(out));
    for (const chunk of chunks) joiner.write(chunk);
    joiner.end();
  });
}

describe('bracketed paste', () => {
  it('turns line breaks inside a paste into one line, marker split across chunks or not, trailing break or not', async () => {
    expect(await joined(['\x1b[200~- a\n- b\n- c\x1b[201~'])).toBe(`- a${pastedLineBreak}- b${pastedLineBreak}- c`);
    expect(await joined(['\x1b[20', '0~- a\r\n- b\n\x1b[2', '01~'])).toBe(`- a${pastedLineBreak}- b${pastedLineBreak}`);
    expect(await joined(['typed\n', '\x1b[200~x\ny\x1b[201~\n'])).toBe(`typed\nx${pastedLineBreak}y\n`);
  });
});

/** A REPL over streams with an agent that records what it was asked. */
function repl() {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  const asked: string[] = [];
  let answered: () => void = () => undefined;
  const agent: Agent = {
    brain: 'offline',
    handle: async (request: AgentRequest) => {
      asked.push(request.text);
      answered();
      return { text: `ok: ${request.text.split('\n').length} lines` };
    },
  };
  let print: ((text: string) => void) | undefined;
  const done = runTerminalChat({ agent, chat: { channel: 'terminal', id: 'local' }, input, output, write: () => undefined, interactive: true, onPrinter: (printer) => (print = printer) });
  const nextAnswer = () => new Promise<void>((resolve) => (answered = resolve));
  return { input, asked, nextAnswer, done, screen: () => screen, print: (text: string) => print!(text) };
}

describe('the REPL', () => {
  it('sends a pasted bullet list without a final line break as one message when Enter is pressed', async () => {
    const chat = repl();
    const answer = chat.nextAnswer();
    chat.input.write('\x1b[200~- P1 open > 30 min\n- P2 from Enterprise > 4h\n- any ticket > 24h\x1b[201~');
    chat.input.write('\r');
    await answer;
    chat.input.end();
    await chat.done;
    expect(chat.asked).toEqual(['- P1 open > 30 min\n- P2 from Enterprise > 4h\n- any ticket > 24h']);
  });

  it('prints an alert above the prompt and redraws what the person had typed', async () => {
    const chat = repl();
    chat.input.write('how many op');
    await new Promise((resolve) => setImmediate(resolve));
    chat.print('🚨 ESCALATION: Acme Corp');
    const screen = chat.screen();
    const alert = screen.lastIndexOf('🚨 ESCALATION: Acme Corp');
    expect(screen.slice(alert - 5, alert)).toBe('\r\x1b[2K');
    expect(screen.slice(alert)).toMatch(/^🚨 ESCALATION: Acme Corp\n[\s\S]*you> how many op/);
    chat.input.end();
    await chat.done;
  });
});

describe('escalator chat owns its workspace', () => {
  const binary = join(__dirname, '..', 'dist', 'bin', 'escalator.js');
  const env = { ...process.env, ESCALATOR_NOW: testNow };
  const { dir, remove } = temporaryDir();
  const workspace = join(dir, 'workspace');
  afterAll(remove);

  it('routes another command to the open chat instead of failing on the lock', async () => {
    if (!existsSync(binary)) throw new Error('dist/ is missing: run "npx tsc -p ." (npm test does) before this test');
    expect((await runEscalator(['init', '--demo', '--workspace', workspace])).code).toBe(0);
    const chat = spawn(process.execPath, [binary, 'chat', '--offline', '--workspace', workspace], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      chat.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('escalator chat on')) resolve();
      });
      chat.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      chat.once('exit', (code) => reject(new Error(`chat exited with ${code}: ${output}`)));
    });
    const query = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [binary, 'query', '--json', 'SELECT count(*) AS tickets FROM v_support_tickets', '--workspace', workspace], { env }, (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, stdout, stderr }),
      );
    });
    expect(query).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(query.stdout)).toEqual([{ tickets: 200 }]);
    const exited = new Promise<number | null>((resolve) => chat.once('exit', resolve));
    chat.stdin.end('how many open P1 tickets\n');
    expect(await exited).toBe(0);
  });
});
