import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../../apps/web/src/lib/server/books';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { APP_ROLE } from '../../apps/web/src/lib/server/db/index';
import { contribution, createFund } from '../support/books';
import { createTestUser, signInOverHttp } from '../support/people';
import { createMigratedDatabase } from '../support/postgres';
import { startStreamingPair, streamingReplicaUnavailable, type StreamingPair } from '../support/streaming-replica';
import { runAppToExit, startApp, type AppProcess } from './app-process';

/**
 * Read replicas (README, Read replicas) against a real streaming replica: Debian's PostgreSQL 15,
 * a primary and a `pg_basebackup -R` standby on loopback ports of their own, and the built app as
 * a process of its own with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the replica.
 * It uses none of the e2e lanes (no inject): its servers, database and app are its own, and go
 * when it ends, also when it fails.
 */
const unavailable = streamingReplicaUnavailable();
if (unavailable !== null) console.warn(`replica.test.ts is skipped: ${unavailable}`);

/** The bound the app runs with: one second, so that a paused replay shows the note quickly. */
const LAG_NOTE_SECONDS = '1';
const NOTE = `本页的数字可能比账本晚 ${LAG_NOTE_SECONDS} 秒以上`;
const headOf = (seq: number) => `账本最新一笔：第 ${seq} 笔`;

describe.skipIf(unavailable !== null)('read replicas, on a real streaming replica', () => {
  let pair: StreamingPair | undefined;
  let app: AppProcess | undefined;
  let writer: Sql | undefined;
  let owner: Sql | undefined;
  let fundId = '';
  let slug = '';
  let cookie = '';

  async function cleanUp(): Promise<void> {
    const code = await app?.stop();
    if (code !== undefined && code !== 0)
      console.error(`replica.test.ts: the app exited with ${code}:\n${app?.output()}`);
    await writer?.end({ timeout: 1 });
    await owner?.end({ timeout: 1 });
    await pair?.stop();
    [app, writer, owner, pair] = [undefined, undefined, undefined, undefined];
  }

  beforeAll(async () => {
    try {
      pair = await startStreamingPair();
      const database = await createMigratedDatabase(pair.primaryUrl(), 'replica');
      owner = createClient(database.url, { max: 2, applicationName: 'gongjian-replica-test' });
      writer = createClient(database.url, { max: 2, applicationName: 'gongjian-replica-test', role: APP_ROLE });
      fundId = await createFund(owner, 'replica');
      const [fund] = await owner<{ slug: string }[]>`select slug from funds where id = ${fundId}`;
      slug = fund?.slug ?? '';
      await postGift();
      const loginName = `replica-reader-${fundId}`;
      await createTestUser(owner, { loginName });
      app = await startApp({
        DATABASE_URL: database.url,
        DATABASE_REPLICA_URL: pair.replicaUrl(database.name),
        REPLICA_LAG_NOTE_SECONDS: LAG_NOTE_SECONDS,
        GONGJIAN_DEMO_SEED: 'off',
        GONGJIAN_DELIVERY: 'off'
      });
      const signedIn = await signInOverHttp(app.baseUrl, { loginName });
      if (signedIn.cookie === null) throw new Error(`no session for ${loginName} (${signedIn.status})`);
      cookie = signedIn.cookie;
      await pair.waitForReplay();
    } catch (error) {
      await cleanUp();
      throw error;
    }
  });

  afterAll(cleanUp);

  async function postGift(): Promise<void> {
    if (writer === undefined) throw new Error('no writer');
    const outcome = await post(writer, { fundId, command: contribution('100.00') });
    if (!outcome.ok) throw new Error(`the gift was refused: ${outcome.code}`);
  }

  /** A page's text, anonymously or as the signed-in reader. */
  async function text(path: string, as: 'anonymous' | 'signed-in' = 'anonymous'): Promise<string> {
    if (app === undefined) throw new Error('no app');
    const response = await fetch(new URL(path, app.baseUrl), {
      redirect: 'manual',
      headers: as === 'signed-in' ? { cookie } : {}
    });
    expect(response.status, path).toBe(200);
    return await response.text();
  }

  it('serves an anonymous public page from the replica that matches the primary once it has replayed', async () => {
    await postGift();
    await pair?.waitForReplay();
    // The downloads are the same bytes for everyone: the replica's (anonymous) and the primary's.
    const anonymous = await text(`/f/${slug}/ledger.json`);
    expect(anonymous).toBe(await text(`/f/${slug}/ledger.json`, 'signed-in'));
    expect(JSON.parse(anonymous)).toMatchObject({ entries: [{ seq: 1 }, { seq: 2 }] });
    // Caught up, the replica does not lag: the page carries no note.
    await expect.poll(() => text(`/f/${slug}`)).toContain(headOf(2));
    await expect.poll(() => text(`/f/${slug}`)).not.toContain(NOTE);
    const health = (await (await fetch(new URL('/healthz', app?.baseUrl))).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', database: 'up', replica: { status: 'up' } });
  });

  it('shows a signed-in person the primary at once, while anonymous pages wait for the replica and say so', async () => {
    await pair?.pauseReplay();
    await postGift();
    // Replay is held: the anonymous page still shows entry 2, and once the lag passes the bound
    // (one second here), it says the figures may be behind.
    await expect.poll(() => text(`/f/${slug}`)).toContain(NOTE);
    const anonymous = await text(`/f/${slug}`);
    expect(anonymous).toContain(headOf(2));
    expect(anonymous).not.toContain(headOf(3));
    // The signed-in page comes from the primary: entry 3 at once, and no note.
    const signedIn = await text(`/f/${slug}`, 'signed-in');
    expect(signedIn).toContain(headOf(3));
    expect(signedIn).not.toContain(NOTE);
  });

  it('never serves an anonymous visitor a fund older than a page it already served', async () => {
    // The signed-in page just served entry 3; the replica, still paused, has only 2. Every
    // anonymous request now reads the primary rather than go back to 2.
    for (const path of [`/f/${slug}`, `/f/${slug}/ledger`, `/f/${slug}`]) {
      const page = await text(path);
      expect(page).toContain(headOf(3));
      expect(page).not.toContain(NOTE);
    }
    expect(JSON.parse(await text(`/f/${slug}/ledger.json`))).toMatchObject({ entries: [{}, {}, { seq: 3 }] });
    // Once the replica has replayed, it serves again, at 3 or later, and never at 2.
    await pair?.resumeReplay();
    await pair?.waitForReplay();
    await expect.poll(() => text(`/f/${slug}`)).not.toContain(NOTE);
    expect(await text(`/f/${slug}`)).toContain(headOf(3));
  });
});

describe('a broken DATABASE_REPLICA_URL', () => {
  it('is explained in one line before anything starts, and the app exits 1', async () => {
    const result = await runAppToExit({
      DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none',
      DATABASE_REPLICA_URL: 'mysql://replica/db',
      PORT: '0'
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'gongjian: DATABASE_REPLICA_URL must start with postgres:// (it starts with mysql://).'
    );
  });
});
