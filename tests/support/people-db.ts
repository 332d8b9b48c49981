import { inject } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { clientsFor } from './books';
import { createMigratedDatabase, dropDatabase } from './postgres';

/**
 * A migrated database of one people test file's own: those files disable users, lock accounts
 * and count events, which other files sharing a database would disturb.
 */
export interface PeopleDatabase {
  url: string;
  /** The database owner (a superuser in the tests), for arranging rows the app may not write. */
  owner: Sql;
  /** The app's own role, with no more privileges than the app has in production. */
  app: Sql;
  /** Ends both pools and drops the database. */
  close: () => Promise<void>;
}

export async function openPeopleDatabase(label: string): Promise<PeopleDatabase> {
  const adminUrl = inject('adminUrl');
  const database = await createMigratedDatabase(adminUrl, label);
  const { owner, app } = clientsFor(database.url, 4);
  return {
    url: database.url,
    owner,
    app,
    close: async () => {
      await Promise.all([owner.end(), app.end()]);
      await dropDatabase(adminUrl, database.name);
    }
  };
}
