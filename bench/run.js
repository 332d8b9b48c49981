// Runs every benchmark in bench/*.ts, one after another, each in its own Node process so that
// one benchmark's garbage and JIT state cannot colour the next one's numbers.
// Usage: npm run bench [-- name ...]   (names filter by file name, e.g. `npm run bench -- healthz`)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ')}.`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  console.log(`\n== bench/${file} ==`);
  // --conditions=source: benchmarks measure the workspace packages' TypeScript sources.
  const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', `${benchDir}${file}`], {
    stdio: 'inherit',
    env: process.env
  });
  if (result.status !== 0) {
    failed += 1;
    console.error(`bench/${file} failed (exit ${result.status ?? result.signal}).`);
  }
}
process.exit(failed === 0 ? 0 : 1);
