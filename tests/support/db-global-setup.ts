import type { TestProject } from 'vitest/node';
import { createMigratedDatabase, dropDatabase, startTestServer } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated database for this run, dropped when the run ends. */
    databaseUrl: string;
    /** Where tests may create (and must drop) databases of their own. */
    adminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestServer();
  const database = await createMigratedDatabase(server.adminUrl, 'run');
  project.provide('databaseUrl', database.url);
  project.provide('adminUrl', server.adminUrl);
  return async () => {
    await dropDatabase(server.adminUrl, database.name);
    await server.stop();
  };
}
