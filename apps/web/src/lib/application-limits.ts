/**
 * How long each field of an application draft may be: the page's `maxlength` and the server's
 * check are both these numbers, so the server takes exactly what the page lets a committee type
 * (counted as a browser counts, in UTF-16 code units; see formText in lib/server/platform/form-input.ts).
 * This module has no server code, so the page can import it.
 */
export const TITLE_LENGTH_MAX = 80;
export const DESCRIPTION_LENGTH_MAX = 4000;
export const LOCATION_LENGTH_MAX = 200;
export const ITEM_LENGTH_MAX = 120;
export const REASON_LENGTH_MAX = 500;
/** A budget line's quantity as typed ("1000000", "2.5"). */
export const QUANTITY_TEXT_LENGTH_MAX = 12;
/** An amount as typed: a unit price or the self-raise target ("9999999999.99"). */
export const AMOUNT_TEXT_LENGTH_MAX = 14;
/** A requested ratio as typed ("0.6", "60%"). */
export const RATIO_TEXT_LENGTH_MAX = 6;
/** A count of households as typed (at most HOUSEHOLDS_MAX). */
export const HOUSEHOLDS_TEXT_LENGTH_MAX = 6;
