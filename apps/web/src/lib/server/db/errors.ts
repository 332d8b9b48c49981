/**
 * A fault at start-up that the person running Gongjian can fix: a bad DATABASE_URL, a port in
 * use, a data folder they cannot reach, an edited migration. Its message is one line that says
 * what is wrong and what to do; the launcher prints it without a stack trace.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Removes the password from a connection URL, so that it can be printed or logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // An unparsable URL may still contain a secret, so none of it is echoed back.
    return '(unparsable URL)';
  }
}

/** The SQLSTATE PostgreSQL raises for an entry dated in a closed period (sql/017_period_close.sql). */
export const SQLSTATE_CLOSED_PERIOD = 'GJ020';

/**
 * Whether PostgreSQL refused an entry because its date lies in a closed period (结账). Whoever
 * writes, the database says so; a use case answers it as the refusal
 * `entry_date_must_be_in_open_period` (see platform/command.ts), never as a 500.
 */
export function isClosedPeriodError(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === SQLSTATE_CLOSED_PERIOD;
}

/** The SQLSTATE PostgreSQL raises when the region tree would lose its shape (sql/027_regions.sql). */
export const SQLSTATE_REGION_SHAPE = 'GJ030';

/**
 * Whether PostgreSQL refused a region or a fund's region because the tree would lose its shape: a
 * street under anything but a county, a fund under anything but a street, a region changing kind.
 * A use case answers it as the refusal `region_tree_must_keep_its_shape`, never as a 500.
 */
export function isRegionShapeError(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === SQLSTATE_REGION_SHAPE;
}
