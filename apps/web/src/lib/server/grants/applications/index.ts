/**
 * A compound's grant application, as its committee writes it: a draft saved step by step (the
 * basics, the budget, the requested ratio, the self-raise plan, the owners' meeting, the quotes),
 * then submitted under the fund's current policy, which freezes it; withdrawn; or, when the fund
 * office or the leadership group returns it, revised and submitted again as a new revision.
 *
 * Every command is one transaction that locks the application row (or, to number a new one, the
 * fund row), asks the policy about what it locked, and leaves an audit event. State changes go
 * through the ledger's decideTransition and are written to application_transitions. The database
 * freezes a submitted application again (GJ014); the status check here comes first, so that
 * backstop never reaches a person as an error page.
 */

// The folder splits by role: model.ts (limits, steps, shared shapes), reads.ts (what pages read),
// live-match.ts (the match computed now and what a submission lacks), draft.ts (saving a step),
// commands.ts (creating, submitting, withdrawing). The budget's arithmetic is the ledger's
// (grants/budget.ts). Importers use this index.

export * from './model';
export * from './reads';
export * from './live-match';
export * from './draft';
export * from './commands';
