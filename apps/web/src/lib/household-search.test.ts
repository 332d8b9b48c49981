import { describe, expect, it } from 'vitest';
import { householdMatches, householdSearchTextOf } from './household-search';

describe('the household search', () => {
  const text = householdSearchTextOf('1-2-101', '王建国');

  it('matches the door, the name and every word of the search', () => {
    expect(householdMatches(text, '101')).toBe(true);
    expect(householdMatches(text, '王')).toBe(true);
    expect(householdMatches(text, ' 1-2  建国 ')).toBe(true);
    expect(householdMatches(text, '102')).toBe(false);
    expect(householdMatches(text, '101 李')).toBe(false);
  });

  it('keeps every household for an empty search, and reads full-width digits', () => {
    expect(householdMatches(text, '')).toBe(true);
    expect(householdMatches(text, '１０１')).toBe(true);
  });
});
