// What signing in and staying signed in cost. Three measurements, each against a baseline from
// the same run:
//   1. Argon2id (m=19456, t=2, p=1) per password check, against one SHA-256 of a session token:
//      the price of a password is paid once per sign-in, the hash on every request.
//   2. GET /about with a valid session cookie (token hash lookup, user and roles) against the
//      same page anonymously: what a signed-in request adds.
//   3. Sign-ins per second through POST /login, against anonymous GET /about.
import autocannon from 'autocannon';
import { buildIfStale } from '../apps/web/scripts/build-if-stale.js';
import { hashPassword, verifyPassword } from '../apps/web/src/lib/server/auth/password';
import { hashToken, newToken } from '../apps/web/src/lib/server/auth/tokens';
import { createClient } from '../apps/web/src/lib/server/db/client';
import { startApp } from '../tests/e2e/app-process';
import { createTestUser, signInOverHttp, TEST_PASSWORD } from '../tests/support/people';
import { createDatabase, dropDatabase, startTestServer } from '../tests/support/postgres';
import { formatRate, median } from './support/stats';

const ROUNDS = 5;
const SECONDS = 3;
const CONNECTIONS = 16;

async function rate(options: autocannon.Options, expect: '2xx' | '3xx' = '2xx'): Promise<number> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  const unexpected = expect === '2xx' ? result.non2xx : result['2xx'] + result['4xx'] + result['5xx'];
  if (result.errors > 0 || unexpected > 0) {
    throw new Error(`${options.url}: ${unexpected} responses other than ${expect}, ${result.errors} errors`);
  }
  return result.requests.average;
}

// 1. Hashing, in this process.
const stored = await hashPassword(TEST_PASSWORD);
const argonMs: number[] = [];
for (let index = 0; index < 20; index += 1) {
  const started = performance.now();
  await verifyPassword(stored, TEST_PASSWORD);
  argonMs.push(performance.now() - started);
}
const token = newToken();
const started = performance.now();
const HASHES = 100_000;
for (let index = 0; index < HASHES; index += 1) hashToken(token);
const shaPerSecond = HASHES / ((performance.now() - started) / 1000);
const argonPerSecond = 1000 / median(argonMs);
console.log(`Argon2id verify: median ${median(argonMs).toFixed(1)} ms (${formatRate(argonPerSecond)} on one core)`);
console.log(`SHA-256 of a token: ${formatRate(shaPerSecond)}`);
console.log(`  ratio Argon2id : SHA-256 = 1 : ${Math.round(shaPerSecond / argonPerSecond).toLocaleString('en')}`);

// 2 and 3. Over HTTP, against the built app.
buildIfStale({ log: (line) => console.log(`bench: ${line}`) });
const server = await startTestServer();
const database = await createDatabase(server.adminUrl, 'bench_sessions');
const app = await startApp({ DATABASE_URL: database.url, ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' });
const sql = createClient(database.url, { max: 2 });
try {
  await createTestUser(sql, {
    loginName: 'bench-committee',
    memberships: [{ fundSlug: 'guihuajing', role: 'committee', compoundCode: 'c-guihua-3' }]
  });
  const signedIn = await signInOverHttp(app.baseUrl, { loginName: 'bench-committee', ip: '10.1.0.1' });
  if (signedIn.cookie === null) throw new Error(`bench: sign-in failed with ${signedIn.status}`);
  const url = `${app.baseUrl}/about`;
  const loginBody = new URLSearchParams({ loginName: 'bench-committee', password: TEST_PASSWORD }).toString();
  const login = {
    url: `${app.baseUrl}/login`,
    method: 'POST' as const,
    body: loginBody,
    headers: {
      // As a browser without JavaScript posts it, so the answer is the 303 to /account.
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      origin: app.baseUrl,
      'x-forwarded-for': '10.1.0.2'
    }
  };
  const samples = { anonymous: [] as number[], session: [] as number[], signIn: [] as number[] };
  await rate({ url, duration: 1 });
  for (let round = 0; round < ROUNDS; round += 1) {
    samples.anonymous.push(await rate({ url }));
    samples.session.push(await rate({ url, headers: { cookie: signedIn.cookie } }));
    // A sign-in answers 303 (to /account).
    samples.signIn.push(await rate({ ...login, connections: 4 }, '3xx'));
  }
  const anonymous = median(samples.anonymous);
  const session = median(samples.session);
  const signIn = median(samples.signIn);
  console.log(`${ROUNDS} rounds of ${SECONDS} s, medians:`);
  console.log(`  GET /about anonymous         ${formatRate(anonymous)}`);
  console.log(`  GET /about with a session    ${formatRate(session)}`);
  console.log(`  POST /login (4 connections)  ${formatRate(signIn)}`);
  console.log(`  ratio session : anonymous = ${(session / anonymous).toFixed(2)}`);
  console.log(`  ratio sign-in : anonymous = ${(signIn / anonymous).toFixed(3)}`);
} finally {
  await sql.end();
  await app.stop();
  await dropDatabase(server.adminUrl, database.name);
  await server.stop();
}
