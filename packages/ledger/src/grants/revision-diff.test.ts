import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BudgetLine } from './budget.js';
import { revisionDiff, type RevisionSide } from './revision-diff.js';

const line = (lineNo: number, item: string, quantity: string, unitPrice: string, amount: string): BudgetLine => ({
  lineNo,
  item,
  quantity,
  unitPrice,
  amount
});

describe('revisionDiff', () => {
  it('names the fields that changed and the lines added, removed and changed', () => {
    const before: RevisionSide = {
      fields: { title: '更换路灯', location: '1号楼', total: '1200.00' },
      lines: [line(1, '路灯', '4.00', '250.00', '1000.00'), line(2, '电线', '1.00', '200.00', '200.00')]
    };
    const after: RevisionSide = {
      fields: { title: '更换路灯', location: '1号楼至3号楼', total: '1650.00' },
      lines: [line(1, '路灯', '6.00', '250.00', '1500.00'), line(2, '人工', '1.00', '150.00', '150.00')]
    };
    expect(revisionDiff(before, after)).toEqual({
      fields: [
        { name: 'location', before: '1号楼', after: '1号楼至3号楼' },
        { name: 'total', before: '1200.00', after: '1650.00' }
      ],
      lines: [
        { kind: 'changed', item: '路灯', before: before.lines[0], after: after.lines[0] },
        { kind: 'added', item: '人工', after: after.lines[1] },
        { kind: 'removed', item: '电线', before: before.lines[1] }
      ]
    });
  });

  it('does not count a line that only moved, nor a field missing on one side and empty on the other', () => {
    const a = line(1, '路灯', '1.00', '10.00', '10.00');
    const b = line(2, '电线', '2.00', '5.00', '10.00');
    const diff = revisionDiff(
      { fields: { reason: null }, lines: [a, b] },
      {
        fields: {},
        lines: [
          { ...b, lineNo: 1 },
          { ...a, lineNo: 2 }
        ]
      }
    );
    expect(diff).toEqual({ fields: [], lines: [] });
  });

  it('pairs repeated items in order, so a third "人工" line is one line added', () => {
    const work = line(1, '人工', '1.00', '100.00', '100.00');
    const diff = revisionDiff(
      { fields: {}, lines: [work, { ...work, lineNo: 2 }] },
      { fields: {}, lines: [work, { ...work, lineNo: 2 }, { ...work, lineNo: 3 }] }
    );
    expect(diff.lines).toEqual([{ kind: 'added', item: '人工', after: { ...work, lineNo: 3 } }]);
  });

  it('reads a field named like an Object prototype member as an ordinary field', () => {
    const diff = revisionDiff({ fields: {}, lines: [] }, { fields: { constructor: 'x' }, lines: [] });
    expect(diff.fields).toEqual([{ name: 'constructor', before: null, after: 'x' }]);
  });

  const amount = fc.integer({ min: 0, max: 99_999 }).map((fen) => (fen / 100).toFixed(2));
  const lineArb = fc.record({
    lineNo: fc.integer({ min: 1, max: 50 }),
    item: fc.constantFrom('路灯', '电线', '人工', '油漆'),
    quantity: fc.constantFrom('1.00', '2.00', '3.50'),
    unitPrice: amount,
    amount
  });
  const sideArb = fc.record({
    fields: fc.dictionary(fc.constantFrom('title', 'location', 'total', 'toString'), fc.option(fc.string())),
    lines: fc.array(lineArb, { maxLength: 8 })
  });

  it('finds nothing between a revision and itself', () => {
    fc.assert(
      fc.property(sideArb, (side) => {
        expect(revisionDiff(side, side)).toEqual({ fields: [], lines: [] });
      })
    );
  });

  it('is symmetric: swapping the revisions swaps before and after, and added with removed', () => {
    fc.assert(
      fc.property(sideArb, sideArb, (a, b) => {
        const forward = revisionDiff(a, b);
        const backward = revisionDiff(b, a);
        const count = (diff: typeof forward, kind: string) => diff.lines.filter((c) => c.kind === kind).length;
        expect(count(forward, 'added')).toBe(count(backward, 'removed'));
        expect(count(forward, 'changed')).toBe(count(backward, 'changed'));
        expect(new Set(forward.fields.map((f) => `${f.name}:${f.before}>${f.after}`))).toEqual(
          new Set(backward.fields.map((f) => `${f.name}:${f.after}>${f.before}`))
        );
      })
    );
  });

  it('accounts for every line: the earlier lines are the unchanged, changed and removed ones', () => {
    fc.assert(
      fc.property(sideArb, sideArb, (a, b) => {
        const diff = revisionDiff(a, b);
        const added = diff.lines.filter((c) => c.kind === 'added').length;
        const removed = diff.lines.filter((c) => c.kind === 'removed').length;
        expect(b.lines.length - added).toBe(a.lines.length - removed);
      })
    );
  });
});
