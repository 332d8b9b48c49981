// `npm test`: every check, with one summary at the end.
//   prepare     the message catalogue and SvelteKit's generated files
//   build       the app (skipped when its inputs have not changed since the last build)
//   e2e         vitest, project "e2e" (the built app in real Chromium), as soon as the build ends
//   lint        eslint and prettier --check, from the start
//   typecheck   svelte-check (the app) and tsc (ledger, tests, benchmarks, scripts), after the build
//   unit        vitest, project "unit" (pure code: the ledger package, formatting, …), after typecheck
//   db          vitest, project "db" (real PostgreSQL: a fresh database per run), after the build
// (Stages after prepare run side by side as their inputs allow; see `graph`. Output is printed
// whole per stage. db and e2e each run on a PostgreSQL cluster of their own.)
// A failing stage does not stop the later ones, so one run shows everything that is wrong.
// The last line counts the tests: "total: N passed, N failed, N skipped".
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (/** @type {string} */ name) => join(root, 'node_modules', '.bin', name);
const reports = mkdtempSync(join(tmpdir(), 'gongjian-test-'));
const only = process.argv.slice(2);
const suiteStarted = Date.now();

/** @type {{ name: string, ok: boolean, seconds: number, counts?: { passed: number, failed: number, skipped: number }, failures?: string[] }[]} */
const results = [];

/**
 * Runs one command. Alone, it prints as it goes; in a group of stages that run side by side, its
 * output is kept and printed whole when it ends, so that the stages' lines do not interleave.
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 * @returns {Promise<{ ok: boolean, seconds: number }>}
 */
function run(name, command, args, options = {}) {
  const started = Date.now();
  const header = `\n▶ ${name}: ${[command, ...args].map((part) => part.replace(root, '')).join(' ')}`;
  const quiet = grouped;
  if (!quiet) console.log(header);
  /** @type {Buffer[]} */
  const output = [];
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      ...options
    });
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (status) => {
      if (quiet) process.stdout.write(`${header}\n${Buffer.concat(output).toString('utf8')}`);
      resolve({ ok: status === 0, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** True while a group of stages runs side by side (see `together`). */
let grouped = false;

/** @typedef {[string, string[]] | [string, string[], import('node:child_process').SpawnOptions]} Step */

/**
 * @param {string} name
 * @param {Step[]} steps
 */
async function stage(name, steps) {
  if (only.length > 0 && !only.includes(name)) return;
  const started = Date.now();
  let ok = true;
  for (const [command, args, options] of steps) ok = (await run(name, command, args, options)).ok && ok;
  results.push({ name, ok, seconds: (Date.now() - started) / 1000 });
}

/** @param {string} name */
async function vitestStage(name) {
  if (only.length > 0 && !only.includes(name)) return;
  const reportFile = join(reports, `${name}.json`);
  const outcome = await run(name, bin('vitest'), [
    'run',
    '--config',
    'tests/vitest.config.ts',
    '--project',
    name,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`
  ]);
  let counts = { passed: 0, failed: 0, skipped: 0 };
  /** @type {string[]} */
  let failures = [];
  if (existsSync(reportFile)) {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    counts = {
      passed: report.numPassedTests,
      failed: report.numFailedTests,
      skipped: report.numPendingTests + report.numTodoTests
    };
    failures = failuresOf(report);
  }
  // A stage that ran no test at all is a broken stage, not a green one.
  const ok = outcome.ok && counts.failed === 0 && counts.passed > 0;
  results.push({ name, ok, seconds: outcome.seconds, counts, failures });
}

/**
 * The failed tests of a vitest JSON report, each with the first lines of its message. The summary
 * repeats them because a CI log is often read from its tail, far below the stage's own output.
 * @param {{ testResults: { name: string, message?: string, assertionResults: { status: string, fullName: string, failureMessages?: string[] }[] }[] }} report
 */
function failuresOf(report) {
  const lines = [];
  for (const file of report.testResults) {
    const where = relative(root, file.name);
    const failed = file.assertionResults.filter((test) => test.status === 'failed');
    // A file that failed to load has no failed test, only a message of its own.
    if (failed.length === 0 && file.message) lines.push(`${where}: ${firstLines(file.message)}`);
    for (const test of failed)
      lines.push(`${where} > ${test.fullName}: ${firstLines((test.failureMessages ?? []).join('\n'))}`);
  }
  return lines;
}

/** @param {string} text */
function firstLines(text) {
  return text.split('\n').slice(0, 6).join('\n    ');
}

/**
 * Runs stages side by side, each as soon as the stages it needs have ended (whatever their
 * outcome: a failing stage does not stop the later ones). The summary keeps the listed order.
 * Stages that run together must not write what the others read: the linters, the type checkers
 * and the test suites only read the tree; the app's build writes apps/web/build and .svelte-kit.
 * @param {{ name: string, after: string[], start: () => Promise<void> }[]} stages
 */
async function graph(stages) {
  grouped = true;
  const before = results.length;
  /** @type {Map<string, Promise<void>>} */
  const ended = new Map();
  for (const { name, after, start } of stages) {
    const needs = after.map((need) => {
      const promise = ended.get(need);
      if (promise === undefined) throw new Error(`stage ${name} needs ${need}, which is not listed before it`);
      return promise;
    });
    ended.set(
      name,
      Promise.all(needs).then(() => start())
    );
  }
  await Promise.all(ended.values());
  const order = ['lint', 'typecheck', 'build', 'unit', 'db', 'e2e'];
  const finished = results.splice(before);
  finished.sort((first, second) => order.indexOf(first.name) - order.indexOf(second.name));
  results.push(...finished);
  grouped = false;
}

// The message catalogue and SvelteKit's generated types must exist before anything type-checks.
await stage('prepare', [
  [process.execPath, ['apps/web/scripts/i18n.js']],
  [bin('svelte-kit'), ['sync'], { cwd: join(root, 'apps/web') }]
]);
// The browser suite is the longest stage, so it starts as early as it can: right after the app's
// build, which therefore comes first. svelte-check follows the build, because the build rewrites
// .svelte-kit's generated files, which svelte-check reads (ESLint reads only their tsconfig, which
// the sync above wrote). The browser suite mostly waits (for Chromium, for the app, for a page to
// settle), and the database suite runs on a PostgreSQL cluster of its own, so the checks and the
// database suite fit in its pauses. Every suite is written to pass on a loaded machine (they poll
// for conditions, never sleep).
await graph([
  {
    name: 'build',
    after: [],
    start: () => stage('build', [[process.execPath, ['apps/web/scripts/build-if-stale.js']]])
  },
  { name: 'e2e', after: ['build'], start: () => vitestStage('e2e') },
  {
    name: 'lint',
    after: [],
    start: () =>
      stage('lint', [
        [bin('eslint'), ['--max-warnings=0', '.']],
        [bin('prettier'), ['--check', '--log-level=warn', '.']]
      ])
  },
  {
    name: 'typecheck',
    after: ['build'],
    start: () =>
      stage('typecheck', [
        [
          bin('svelte-check'),
          ['--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human'],
          { cwd: join(root, 'apps/web') }
        ],
        [bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
        [bin('tsc'), ['-p', 'packages/ledger/tsconfig.build.json', '--noEmit']]
      ])
  },
  { name: 'unit', after: ['typecheck'], start: () => vitestStage('unit') },
  { name: 'db', after: ['build'], start: () => vitestStage('db') }
]);
rmSync(reports, { recursive: true, force: true });

const total = { passed: 0, failed: 0, skipped: 0 };
console.log('\n── summary ──');
for (const result of results) {
  const counts = result.counts
    ? ` (${result.counts.passed} passed, ${result.counts.failed} failed, ${result.counts.skipped} skipped)`
    : '';
  console.log(`${result.ok ? '✓' : '✗'} ${result.name.padEnd(10)} ${result.seconds.toFixed(1).padStart(6)} s${counts}`);
  for (const failure of result.failures ?? []) console.log(`    ✗ ${failure}`);
  if (result.counts) {
    total.passed += result.counts.passed;
    total.failed += result.counts.failed;
    total.skipped += result.counts.skipped;
  }
}
const failedStages = results.filter((result) => !result.ok).map((result) => result.name);
if (failedStages.length > 0) console.log(`FAILED stages: ${failedStages.join(', ')}`);
console.log(`wall clock: ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s`);
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
const e2e = results.find((result) => result.name === 'e2e');
if (e2e?.counts && e2e.counts.skipped > 0 && process.env.CI !== 'true') {
  console.log('WARNING: browser tests were SKIPPED because Chromium is missing: apt-get install -y chromium');
}
process.exit(failedStages.length === 0 ? 0 : 1);
