import type { BudgetLine } from './budget.js';

/*
 * What changed between two submitted revisions of an application, for the leaders who vote on the
 * later one: each field whose value differs, and each budget line added, removed or changed. The
 * server reads both revisions' snapshots and renders this; the rule of what counts as a change
 * lives here once.
 */

/** One revision as compared: its named fields (as display text, or null when empty) and its budget. */
export interface RevisionSide {
  readonly fields: Readonly<Record<string, string | null>>;
  readonly lines: readonly BudgetLine[];
}

export interface FieldChange {
  readonly name: string;
  readonly before: string | null;
  readonly after: string | null;
}

export type LineChange =
  | { readonly kind: 'added'; readonly item: string; readonly after: BudgetLine }
  | { readonly kind: 'removed'; readonly item: string; readonly before: BudgetLine }
  | { readonly kind: 'changed'; readonly item: string; readonly before: BudgetLine; readonly after: BudgetLine };

export interface RevisionDiff {
  readonly fields: readonly FieldChange[];
  readonly lines: readonly LineChange[];
}

/**
 * Compares two revisions. Fields are compared by name (a field missing on one side counts as
 * empty) in the later revision's order, then the earlier one's. Budget lines are paired by their
 * item text, the n-th line of an item with the n-th of the same item, because the line number
 * shifts whenever a line above is removed while the item is what a reader recognises; a line is
 * changed when its quantity, unit price or amount differs. Lines that moved are not a change.
 */
export function revisionDiff(before: RevisionSide, after: RevisionSide): RevisionDiff {
  return { fields: fieldChanges(before.fields, after.fields), lines: lineChanges(before.lines, after.lines) };
}

function fieldChanges(
  before: Readonly<Record<string, string | null>>,
  after: Readonly<Record<string, string | null>>
): FieldChange[] {
  const names = [...new Set([...Object.keys(after), ...Object.keys(before)])];
  const valueOf = (fields: Readonly<Record<string, string | null>>, name: string) =>
    Object.hasOwn(fields, name) ? (fields[name] ?? null) : null;
  return names
    .map((name) => ({ name, before: valueOf(before, name), after: valueOf(after, name) }))
    .filter((change) => change.before !== change.after);
}

/** Each line keyed by its item and the how-manieth line of that item it is. */
function keyed(lines: readonly BudgetLine[]): Map<string, BudgetLine> {
  const seen = new Map<string, number>();
  const byKey = new Map<string, BudgetLine>();
  for (const line of lines) {
    const nth = seen.get(line.item) ?? 0;
    seen.set(line.item, nth + 1);
    byKey.set(JSON.stringify([line.item, nth]), line);
  }
  return byKey;
}

function sameFigures(a: BudgetLine, b: BudgetLine): boolean {
  return a.quantity === b.quantity && a.unitPrice === b.unitPrice && a.amount === b.amount;
}

function lineChanges(before: readonly BudgetLine[], after: readonly BudgetLine[]): LineChange[] {
  const earlier = keyed(before);
  const later = keyed(after);
  const changes: LineChange[] = [];
  for (const [key, line] of later) {
    const old = earlier.get(key);
    if (old === undefined) changes.push({ kind: 'added', item: line.item, after: line });
    else if (!sameFigures(old, line)) changes.push({ kind: 'changed', item: line.item, before: old, after: line });
  }
  for (const [key, line] of earlier) {
    if (!later.has(key)) changes.push({ kind: 'removed', item: line.item, before: line });
  }
  return changes;
}
