import postgres from 'postgres';

/** The one kind of database client in Gongjian: postgres.js (porsager). */
export type Sql = postgres.Sql;

/** The handle a use case gets inside `sql.begin(...)`: one connection, one transaction. */
export type Transaction = postgres.TransactionSql;

export interface ClientOptions {
  /** The most connections this process opens. */
  max?: number;
  /** Seconds to wait for a connection before giving up. */
  connectTimeoutSeconds?: number;
  /** Shown in pg_stat_activity, so an operator can tell the app, tests and scripts apart. */
  applicationName?: string;
  /**
   * The role every connection of the pool acts as (`SET ROLE` at connection start), such as
   * gongjian_app, which may not update, delete or truncate the journal. The login user must be a
   * member of it; migrations connect without one, as the owner.
   */
  role?: string;
}

/**
 * Opens a connection pool. Numeric and bigint columns arrive as strings (postgres.js's default),
 * which is what money and ids need: they are never turned into JS numbers.
 */
export function createClient(url: string, options: ClientOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: 60,
    max_lifetime: 60 * 30,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? 'gongjian',
      TimeZone: 'UTC',
      ...(options.role === undefined ? {} : { role: options.role })
    }
  });
}
