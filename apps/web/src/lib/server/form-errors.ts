import type * as v from 'valibot';

/**
 * A form's valibot issues as one message per field, in the visitor's language: the first issue
 * of each field names it, and an issue about anything the page does not show (a hidden key, an
 * unknown name) falls to the form-wide `form` message.
 */
export function fieldErrorsOf<Field extends string>(
  issues: readonly v.BaseIssue<unknown>[],
  messages: Record<Field | 'form', () => string>
): Partial<Record<Field | 'form', string>> {
  const errors: Partial<Record<Field | 'form', string>> = {};
  for (const issue of issues) {
    const key = issue.path?.[0]?.key;
    const field = typeof key === 'string' && key !== 'form' && key in messages ? (key as Field) : 'form';
    errors[field] ??= messages[field]();
  }
  return errors;
}
