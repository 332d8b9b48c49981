import { ok, reject, type Result } from '../result.js';

/**
 * Closed periods (结账). A fund's books are closed through a day: every entry dated on or before it
 * belongs to a closed period and none may be added there, whoever asks; a correction of such an
 * entry goes into the open period, dated in it. Null means no period has been closed yet.
 */
export type PeriodCode = 'entry_date_must_be_in_open_period';

export function checkOpenPeriod(date: string, closedThrough: string | null): Result<string, PeriodCode> {
  if (closedThrough !== null && date <= closedThrough) {
    return reject('entry_date_must_be_in_open_period', { date, closedThrough });
  }
  return ok(date);
}
