import { m } from '$lib/paraglide/messages';
import { refusalMessage, refusalTable, type RefusalEntry, type RefusalTable } from '../platform/refusal-messages';
import {
  DESCRIPTION_LENGTH_MAX,
  INVITATION_LABEL_LENGTH_MAX,
  NAME_LENGTH_MAX,
  PLACE_LENGTH_MAX,
  SLUG_LENGTH_MAX,
  SLUG_LENGTH_MIN,
  type NewFundField,
  type NewFundProblem
} from './funds-admin';

/** The fields of the new-fund form: the use case's, but the invitation's label is typed into `adminLabel`. */
export type NewFundFormField = Exclude<NewFundField, 'adminInvitationLabel'> | 'adminLabel';

/** The form field each of the use case's fields is typed into. */
const FORM_FIELD: Record<NewFundField, NewFundFormField> = {
  slug: 'slug',
  nameZh: 'nameZh',
  nameEn: 'nameEn',
  community: 'community',
  street: 'street',
  description: 'description',
  fiscalYear: 'fiscalYear',
  adminInvitationLabel: 'adminLabel'
};

function maxLengthOf(field: NewFundField): number {
  if (field === 'description') return DESCRIPTION_LENGTH_MAX;
  if (field === 'adminInvitationLabel') return INVITATION_LABEL_LENGTH_MAX;
  return PLACE_LENGTH_MAX;
}

/**
 * What the new-fund form says for each problem of createFund. A problem names its own field (a
 * text is too long in any of several fields), and the fiscal years offered depend on today, so the
 * table is made for one problem.
 */
function newFundRefusals(problem: NewFundProblem, now: Date): RefusalTable<NewFundFormField> {
  const on = (message: () => string): RefusalEntry<NewFundFormField> => [FORM_FIELD[problem.field], message];
  const name = on(() => m.admin_funds_error_name({ max: String(NAME_LENGTH_MAX) }));
  const year = now.getUTCFullYear();
  return refusalTable<NewFundFormField>({
    slug_must_be_well_formed: on(() =>
      m.admin_funds_error_slug_form({ min: String(SLUG_LENGTH_MIN), max: String(SLUG_LENGTH_MAX) })
    ),
    slug_is_reserved: on(() => m.admin_funds_error_slug_reserved()),
    slug_is_taken: on(() => m.admin_funds_error_slug_taken()),
    name_must_be_given: name,
    name_must_be_short: name,
    text_must_be_short: on(() => m.admin_funds_error_too_long({ max: String(maxLengthOf(problem.field)) })),
    fiscal_year_must_be_plausible: on(() =>
      m.admin_funds_error_fiscal_year({ from: String(year - 1), to: String(year + 1) })
    )
  });
}

/** The form field and sentence of one problem of the new-fund form. */
export function newFundProblemMessage(problem: NewFundProblem, now: Date) {
  // A problem the table does not know still marks its field, in the form's general words.
  return refusalMessage(newFundRefusals(problem, now), problem.code, [
    FORM_FIELD[problem.field],
    () => m.admin_funds_error_invalid()
  ]);
}
