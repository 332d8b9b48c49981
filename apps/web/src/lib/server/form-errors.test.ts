import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { fieldErrorsOf } from './form-errors';

const Form = v.object({
  amount: v.pipe(v.string(), v.minLength(1)),
  memo: v.pipe(v.string(), v.maxLength(3)),
  key: v.pipe(v.string(), v.uuid())
});

const messages = { amount: () => 'amount?', memo: () => 'memo?', form: () => 'form?' };

describe('fieldErrorsOf', () => {
  it('gives each field its message once, and what the page does not show to the form', () => {
    const parsed = v.safeParse(Form, { amount: '', memo: 'too long', key: 'not a uuid' }, { abortEarly: false });
    if (parsed.success) throw new Error('the form should be refused');
    expect(fieldErrorsOf(parsed.issues, messages)).toEqual({ amount: 'amount?', memo: 'memo?', form: 'form?' });
  });

  it('says nothing of fields that passed', () => {
    const parsed = v.safeParse(Form, { amount: '1', memo: 'ok', key: 'x' });
    if (parsed.success) throw new Error('the form should be refused');
    expect(fieldErrorsOf(parsed.issues, messages)).toEqual({ form: 'form?' });
  });
});
