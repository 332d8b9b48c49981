import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { checkoutRoot } from './postgres';

/**
 * A worker process (tests/support/books-worker.ts, or another script of the same shape such as
 * review-worker.ts) with a line-based conversation: send a JSON line, read answer lines. The
 * source condition makes it run the ledger's TypeScript.
 */
export type Worker = {
  child: ChildProcess;
  send(message: unknown): void;
  /** Resolves with the next line the worker prints. */
  nextLine(): Promise<string>;
  /** Every line printed so far. */
  lines: string[];
  exited: Promise<number | null>;
};

export async function startWorker(args: string[], script = 'tests/support/books-worker.ts'): Promise<Worker> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, ...args], {
    cwd: checkoutRoot,
    stdio: ['pipe', 'pipe', 'pipe']
  });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  // A worker killed on purpose closes its stdin under a pending write; that is the point, not a failure.
  child.stdin?.on('error', (error) => (errors += `stdin: ${error.message}\n`));
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    waiting.shift()?.(line);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let consumed = 0;
  const worker: Worker = {
    child,
    lines,
    exited,
    send: (message) => child.stdin?.write(`${JSON.stringify(message)}\n`),
    nextLine: () => {
      const index = consumed;
      consumed += 1;
      const ready = lines[index];
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        waiting.push(resolve);
        void exited.then((code) => reject(new Error(`worker exited (${code}) before answering: ${errors}`)));
      });
    }
  };
  const ready = await worker.nextLine();
  if (ready !== 'READY') throw new Error(`worker said ${ready}: ${errors}`);
  return worker;
}

export function killHard(worker: Worker): Promise<number | null> {
  worker.child.kill('SIGKILL');
  return worker.exited;
}

export async function stopWorker(worker: Worker): Promise<void> {
  worker.child.stdin?.end();
  await worker.exited;
}
