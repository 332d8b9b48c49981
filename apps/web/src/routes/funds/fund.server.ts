import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { sql } from '$lib/server/platform/database';
import { findFund, type FundRow } from '$lib/server/people/members';

/** The fund named in the URL. Which funds exist is public, so an unknown slug is a plain 404. */
export async function fundFromSlug(slug: string): Promise<FundRow> {
  const fund = await findFund(sql(), slug);
  if (fund === null) error(404, { message: m.error_not_found() });
  return fund;
}

/** A row id as the database issues it: a positive bigint, written in digits only. */
export const DIGITS_ID = /^[1-9][0-9]{0,17}$/;
