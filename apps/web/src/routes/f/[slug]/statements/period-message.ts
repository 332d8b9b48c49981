import { m } from '$lib/paraglide/messages';
import type { StatementsPeriodCode } from '$lib/server/public/statements';

/** What a period that cannot be read is told, on the page and in a download's 400. */
export function statementsPeriodMessage(code: StatementsPeriodCode): string {
  switch (code) {
    case 'period_is_not_understood':
      return m.statements_error_period();
    case 'from_is_not_a_date':
      return m.statements_error_from();
    case 'to_is_not_a_date':
      return m.statements_error_to();
    case 'from_is_after_to':
      return m.statements_error_order();
  }
}
