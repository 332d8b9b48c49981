import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { checkoutRoot } from '../support/postgres';

export interface AppProcess {
  baseUrl: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Runs the built app (`node apps/web/server.js`, exactly what `npm start` runs after building)
 * on a free port against the given database, and resolves once it says it is ready. `root` is
 * the checkout to run it in (this one unless a test made another).
 */
export function startApp(env: Record<string, string>, timeoutMs = 120_000, root = checkoutRoot): Promise<AppProcess> {
  const child = spawn(process.execPath, [join(root, 'apps/web/server.js')], {
    cwd: root,
    // The browser tests set their funds' dates and states by hand; a scheduler run at a moment
    // of its own would move them (a notice made active, a reminder in an inbox) under a test's
    // feet. The scheduler is tested with an injected clock and two real processes
    // (tests/db/schedule.test.ts); a test that wants it in the app passes GONGJIAN_SCHEDULER=on.
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', GONGJIAN_SCHEDULER: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The app did not become ready in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stdout?.on('data', () => {
      const ready = /ready at (http:\/\/\S+)/.exec(output);
      if (!ready?.[1]) return;
      clearTimeout(timer);
      resolve({
        baseUrl: ready[1],
        child,
        output: () => output,
        stop: () => stopChild(child)
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The app exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Runs the app and waits for it to exit, for start-up failures that must end the process. */
export function runAppToExit(
  env: Record<string, string>
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(checkoutRoot, 'apps/web/server.js')], {
    cwd: checkoutRoot,
    env: { ...process.env, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    })
  );
}

function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(force);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}
