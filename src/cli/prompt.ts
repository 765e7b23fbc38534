// Terminal input for the client commands: questions on stderr (stdout stays clean for --json),
// secrets typed without echo, and a whole-stdin reader for --password-stdin.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** Ctrl-C or end of input at a prompt. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled at the prompt');
    this.name = 'PromptCancelled';
  }
}

export function isInteractive(): boolean {
  return process.stdin.isTTY === true;
}

/**
 * Asks one question on the terminal. With `hidden`, what is typed is not echoed: readline writes
 * its echo to a sink that drops everything once the question is shown.
 */
export async function ask(question: string, opts: { hidden?: boolean } = {}): Promise<string> {
  const out = process.stderr;
  let muted = false;
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (!muted) out.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output: sink, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      let answered = false;
      rl.once('SIGINT', () => reject(new PromptCancelled()));
      rl.once('close', () => {
        if (!answered) reject(new PromptCancelled());
      });
      rl.question(question, (answer) => {
        answered = true;
        resolve(answer.trim());
      });
      muted = opts.hidden === true;
    });
  } finally {
    rl.close();
    if (opts.hidden) out.write('\n');
  }
}

/** All of stdin as text, without one trailing newline (for `--password-stdin`). */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
