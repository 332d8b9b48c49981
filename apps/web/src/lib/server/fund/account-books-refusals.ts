import { m } from '$lib/paraglide/messages';
import { refusalTable, type RefusalEntry } from '../platform/refusal-messages';

/** The fields of the books' period form and the statement's year form. */
export type BooksField = 'from' | 'to' | 'year';

/** What the account books and the contributor's statement say when their query cannot be read. */
export const BOOKS_REFUSALS = refusalTable<BooksField>({
  from_is_not_a_date: ['from', () => m.books_error_from()],
  to_is_not_a_date: ['to', () => m.books_error_to()],
  from_is_after_to: ['from', () => m.books_error_order()],
  year_is_not_a_year: ['year', () => m.contributor_error_year()]
});

/** Any other refusal of a period: the start date is the first thing to check. */
export const BOOKS_REFUSED: RefusalEntry<BooksField> = ['from', () => m.books_error_from()];
