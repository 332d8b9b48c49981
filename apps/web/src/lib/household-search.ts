/**
 * The one rule of the household search box, on the server (the search without JavaScript, a GET
 * filter) and in the browser (the same search as one types): a household matches when every word
 * of the search is found in its door or its name, whatever the case and the width of the letters
 * (a full-width "１０１" typed on a phone finds room 101).
 */

/** Lower case, half-width, the door and the name joined: what a search is matched against. */
export function householdSearchTextOf(door: string, name: string): string {
  return normalised(`${door} ${name}`);
}

/** Whether a household's search text (householdSearchTextOf) matches what was typed. */
export function householdMatches(searchText: string, query: string): boolean {
  const words = normalised(query)
    .split(/\s+/)
    .filter((word) => word !== '');
  return words.every((word) => searchText.includes(word));
}

/** The longest search kept from the address bar: a household's door and name are shorter. */
export const HOUSEHOLD_SEARCH_MAX = 40;

function normalised(text: string): string {
  return text.normalize('NFKC').toLowerCase().slice(0, 200);
}
