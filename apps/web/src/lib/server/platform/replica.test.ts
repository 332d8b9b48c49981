import type { Sql } from '../db/client';
import { describe, expect, it } from 'vitest';
import { ReplicaLagWatch } from './replica';

/** A stand-in for the replica's pool: the watch only hands it to its `ask`. */
const REPLICA = {} as Sql;

describe('ReplicaLagWatch', () => {
  it('asks once for concurrent requests, then at most once a second, answering from what it knows', async () => {
    const answers = [3, 7];
    let asked = 0;
    const watch = new ReplicaLagWatch(REPLICA, () => {
      asked += 1;
      return Promise.resolve(answers[asked - 1] ?? 0);
    });
    const first = await Promise.all([watch.current(0), watch.current(10)]);
    expect(first).toEqual([{ lagSeconds: 3 }, { lagSeconds: 3 }]);
    expect(await watch.current(900)).toEqual({ lagSeconds: 3 });
    expect(asked).toBe(1);
    // Past a second, the request still gets the known answer while the next one is asked.
    expect(await watch.current(1_200)).toEqual({ lagSeconds: 3 });
    expect(asked).toBe(2);
    await expect.poll(() => watch.current(1_300)).toEqual({ lagSeconds: 7 });
  });

  it('reports a replica that does not answer as null, so that reads go to the primary', async () => {
    const watch = new ReplicaLagWatch(REPLICA, () => Promise.reject(new Error('connection refused')));
    expect(await watch.current(0)).toBeNull();
  });
});
