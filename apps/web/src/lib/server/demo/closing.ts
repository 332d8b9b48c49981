import { ACCOUNTS, Money, decideExpense, money, payoutReleasable, chinaDateOf } from '@gongjian/ledger';
import { confirmAcceptanceIn, recordAcceptanceIn } from '../projects/acceptance';
import { demoPhoto } from './acceptance';
import { demoNoticeEndedIn } from './calendar';
import { closeIn, maskedHousehold } from '../projects/closing';
import type { Transaction } from '../db/client';
import type { Actor } from '../access/policy';
import {
  figuresOf,
  loadProject,
  payoutPolicyOf,
  postVoucherIn,
  projectAccountsIn,
  projectKey,
  projectMoneyIn,
  projectPolicyIn,
  type ProjectRow
} from '../projects/project-core';
import {
  approveDemoIn,
  demoActorIn,
  demoLeadersIn,
  demoOk,
  demoUserIdOf as userIdOf,
  precheckDemoIn,
  submitDemoApplicationIn,
  type DemoApplication
} from './workflow';

/*
 * A project's history written straight into its tables and the books, each row with its entry
 * and voucher number, as the self-raising, payout and expense pages leave them: for the demo's
 * closed project and for the tests of the close, which must not depend on those pages. These
 * writers check nothing a use case would (targets, the releasable amount, four eyes are the
 * caller's business); the books still refuse what they always refuse.
 */

export interface HistoryCommon {
  fundId: string;
  project: ProjectRow;
  now: Date;
  /** The idempotency key of the row and of its entry. */
  key: string;
}

function entryOk(what: string, outcome: { ok: true; seq: number } | { ok: false; code: string }): number {
  if (!outcome.ok) throw new Error(`${what} was refused by the books (${outcome.code})`);
  return outcome.seq;
}

/** One household's payment: Dr the project's bank sub-account, Cr what the fund holds for the households. */
export async function writeSelfRaisedPaymentIn(
  transaction: Transaction,
  input: HistoryCommon & {
    householdId: string;
    amount: string;
    recordedBy: string;
    method?: 'cash' | 'bank' | 'wechat' | 'hand';
  }
): Promise<number> {
  const accounts = await projectAccountsIn(transaction, input.fundId, input.project);
  const [household] = await transaction<{ building: string; unitNo: string; room: string; name: string }[]>`
    select building, unit_no as "unitNo", room, name from households where id = ${input.householdId}`;
  if (household === undefined) throw new Error(`household ${input.householdId} is missing`);
  const amount = money(input.amount);
  const seq = entryOk(
    'a self-raised payment',
    await postVoucherIn(transaction, {
      fundId: input.fundId,
      key: input.key,
      now: input.now,
      posting: {
        kind: 'post',
        command: {
          date: chinaDateOf(input.now),
          memo: `自筹款：${maskedHousehold(household)} ${input.project.title}`,
          postings: [
            { account: accounts.funds, side: 'debit', amount },
            { account: accounts.selfRaised, side: 'credit', amount }
          ]
        },
        references: { applicationId: projectKey(input.project) }
      }
    })
  );
  await transaction`
    insert into self_raised_payments (fund_id, application_id, household_id, amount, paid_on, method, entry_seq,
                                      recorded_by, recorded_at, create_key)
    values (${input.fundId}, ${input.project.id}, ${input.householdId}, ${amount.toString()}, ${chinaDateOf(input.now)},
            ${input.method ?? 'cash'}, ${seq}, ${input.recordedBy}, ${input.now}, ${input.key})`;
  return seq;
}

/** A paid tranche of the match: settles part of the project's hold into its bank sub-account. */
export async function writePayoutIn(
  transaction: Transaction,
  input: HistoryCommon & { amount: string; requestedBy: string; approvedBy: string | null; payeeName: string }
): Promise<number> {
  if (input.project.holdId === null) throw new Error(`project ${input.project.number} has no hold`);
  const accounts = await projectAccountsIn(transaction, input.fundId, input.project);
  const amount = money(input.amount);
  const seq = entryOk(
    'a payout',
    await postVoucherIn(transaction, {
      fundId: input.fundId,
      key: input.key,
      now: input.now,
      posting: {
        kind: 'settle',
        holdId: input.project.holdId,
        amount,
        command: {
          date: chinaDateOf(input.now),
          memo: `拨付配套资金：${input.project.title}`,
          postings: [
            { account: accounts.funds, side: 'debit', amount },
            { account: ACCOUNTS.pool, side: 'credit', amount }
          ]
        },
        references: { applicationId: projectKey(input.project) }
      }
    })
  );
  await transaction`
    insert into payouts (fund_id, application_id, amount, payee_kind, payee_name, status, requested_by, requested_at,
                         approved_by, approved_at, entry_seq, create_key)
    values (${input.fundId}, ${input.project.id}, ${amount.toString()}, 'committee', ${input.payeeName}, 'paid',
            ${input.requestedBy}, ${input.now}, ${input.approvedBy}, ${input.approvedBy === null ? null : input.now},
            ${seq}, ${input.key})`;
  return seq;
}

/** An expense, split between the match and the households' money as the ledger decides. */
export async function writeExpenseIn(
  transaction: Transaction,
  input: HistoryCommon & {
    amount: string;
    supplier: string;
    invoiceNo: string;
    lineNo: number | null;
    recordedBy: string;
  }
): Promise<number> {
  const accounts = await projectAccountsIn(transaction, input.fundId, input.project);
  const figures = await projectMoneyIn(transaction, input.fundId, input.project);
  const amount = money(input.amount);
  const split = decideExpense({ ...figures, ratioApproved: input.project.approvedRatio, closed: false }, amount);
  if (!split.ok) throw new Error(`an expense of ${input.amount} was refused (${split.code})`);
  const { match, selfRaised } = split.value;
  const seq = entryOk(
    'an expense',
    await postVoucherIn(transaction, {
      fundId: input.fundId,
      key: input.key,
      now: input.now,
      posting: {
        kind: 'post',
        command: {
          date: chinaDateOf(input.now),
          memo: `项目支出：${input.supplier} ${input.invoiceNo}`.trim(),
          postings: [
            ...(match.isPositive() ? [{ account: accounts.cost, side: 'debit' as const, amount: match }] : []),
            ...(selfRaised.isPositive()
              ? [{ account: accounts.selfRaised, side: 'debit' as const, amount: selfRaised }]
              : []),
            { account: accounts.funds, side: 'credit', amount }
          ]
        },
        references: { applicationId: projectKey(input.project) }
      }
    })
  );
  await transaction`
    insert into expenses (fund_id, application_id, line_no, supplier, invoice_no, invoice_date, amount, match_part,
                          self_raised_part, entry_seq, recorded_by, recorded_at, create_key)
    values (${input.fundId}, ${input.project.id}, ${input.lineNo}, ${input.supplier}, ${input.invoiceNo},
            ${chinaDateOf(input.now)}, ${amount.toString()}, ${match.toString()}, ${selfRaised.toString()}, ${seq},
            ${input.recordedBy}, ${input.now}, ${input.key})`;
  return seq;
}

/** What the policy lets the fund pay out now: the demo pays exactly that, as the payout page offers. */
export async function releasableIn(transaction: Transaction, fundId: string, project: ProjectRow): Promise<Money> {
  const policy = await projectPolicyIn(transaction, fundId, project.policyVersion);
  const figures = await projectMoneyIn(transaction, fundId, project);
  return payoutReleasable(payoutPolicyOf(policy), figuresOf(project, figures)).releasable;
}

// ---------------------------------------------------------------------------------------------
// The demo's closed project

/** Ten households' shares of the 1,600.00 to raise, unequal as real ones are. */
const DEMO_SHARES = [
  '200.00',
  '150.00',
  '180.00',
  '120.00',
  '200.00',
  '160.00',
  '140.00',
  '150.00',
  '100.00',
  '200.00'
];

/** What a demo project is: whose, and what its committee applied for. */
interface DemoProjectSpec {
  committeeLogin: string;
  application: DemoApplication;
}

/** The meeting both demo projects' households held (25 households, 20 agreeing). */
const MEETING = { date: '2026-09-20', total: '25', present: '21', agreeing: '20' };

const LIGHTING: DemoProjectSpec = {
  committeeLogin: 'demo-committee',
  application: {
    compoundCode: 'c-guihua-3',
    draftKey: '00000000-0000-4000-8000-000000000901',
    basics: {
      title: '楼道照明改造',
      category: 'repairs',
      description: '1号楼和3号楼楼道灯老化，更换为声控LED灯并重新布线。',
      location: '桂花井3号院1号楼、3号楼'
    },
    lines: [
      { item: '声控LED灯具', quantity: '40', unitPrice: '60.00' },
      { item: '布线及安装', quantity: '1', unitPrice: '1600.00' }
    ],
    selfRaiseTarget: '1600.00',
    householdsExpected: '25',
    meeting: MEETING
  }
};

/** 南街小区's bicycle shed: an active grant, approved and through its notice, raising its share. */
const BICYCLE_SHED: DemoProjectSpec = {
  committeeLogin: 'demo-committee-b',
  application: {
    compoundCode: 'c-nanjie',
    draftKey: '00000000-0000-4000-8000-000000000902',
    basics: {
      title: '非机动车棚加装充电桩',
      category: 'repairs',
      description: '车棚内加装8个智能充电口，防止电动车进楼道充电。',
      location: '南街小区2号楼北侧车棚'
    },
    lines: [{ item: '智能充电桩（8口）', quantity: '1', unitPrice: '6000.00' }],
    selfRaiseTarget: '2400.00',
    householdsExpected: '25',
    meeting: MEETING
  }
};

/**
 * The demo's active grant: approved, through its notice period, its match held on the pool, and
 * nothing raised or paid yet, so a newcomer can record the first payments and ask for a tranche.
 */
export async function seedDemoActive(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  await demoProjectIn(transaction, fundId, now, BICYCLE_SHED);
}

async function demoProjectIn(
  transaction: Transaction,
  fundId: string,
  now: Date,
  spec: DemoProjectSpec = LIGHTING
): Promise<number> {
  const moment = { fundId, now };
  const actor = await demoActorIn(transaction, spec.committeeLogin);
  const admin = await demoActorIn(transaction, 'demo-admin');
  const number = await submitDemoApplicationIn(transaction, { ...moment, actor, application: spec.application });
  await precheckDemoIn(transaction, { ...moment, admin, number, outcome: 'pass', comments: '材料齐全。' });
  await approveDemoIn(transaction, { ...moment, leaders: await demoLeadersIn(transaction), number });
  await demoNoticeEndedIn(transaction, { fundId, number, now, what: `project #${number}` });
  return number;
}

/**
 * A project of 桂花井3号院 from its application to its close, the whole life of a grant for a
 * newcomer to read: 楼道照明改造, 4,000.00 budgeted, 2,400.00 matched at 60% and 1,600.00 raised
 * from ten households; the first tranche (half held back) and the supplier's deposit; the
 * acceptance with photos; the final tranche on the actual 3,800.00 (2,280.00 of match, so 120.00
 * of the reservation returns to the pool); and the close, which refunds the 80.00 the households
 * paid beyond their share, in proportion, one voucher each. It takes the next number after the
 * demo's last application.
 */
export async function seedDemoClosed(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const number = await demoProjectIn(transaction, fundId, now);
  const project = new ClosedDemo(transaction, fundId, now, number, {
    committee: await demoActorIn(transaction, 'demo-committee'),
    admin: await demoActorIn(transaction, 'demo-admin'),
    leader: await demoActorIn(transaction, 'demo-leader2')
  });
  await project.raiseShares();
  await project.payOut('payout-1');
  await project.spend('expense-1', '2800.00', 'No.31415926');
  await project.accept();
  // The check found the actual cost to be 3,800.00: the final tranche is the match on it (60%,
  // 2,280.00) less the 1,200.00 paid, and the supplier's last invoice is paid from it.
  await project.payOut('payout-2');
  await project.spend('expense-2', '1000.00', 'No.31415927');
  await project.close();
}

/** The closed demo project's steps, each through the same writing code as its page. */
class ClosedDemo {
  constructor(
    private readonly transaction: Transaction,
    private readonly fundId: string,
    private readonly now: Date,
    private readonly number: number,
    private readonly people: { committee: Actor; admin: Actor; leader: Actor }
  ) {}

  private key(what: string): string {
    return `demo-closed-${this.number}-${what}`;
  }

  private async reload(): Promise<ProjectRow> {
    const project = await loadProject(this.transaction, { fundId: this.fundId, number: this.number, lock: true });
    if (project === null) throw new Error(`demo seed: project #${this.number} is missing`);
    return project;
  }

  async raiseShares(): Promise<void> {
    const households = await this.transaction<{ id: string }[]>`
      select h.id::text as id from households h join compounds c on c.id = h.compound_id
       where c.fund_id = ${this.fundId} and c.code = 'c-guihua-3' order by h.id limit ${DEMO_SHARES.length}`;
    for (const [index, household] of households.entries()) {
      await writeSelfRaisedPaymentIn(this.transaction, {
        fundId: this.fundId,
        project: await this.reload(),
        now: this.now,
        key: this.key(`payment-${index + 1}`),
        householdId: household.id,
        amount: DEMO_SHARES[index] ?? '0',
        recordedBy: userIdOf(this.people.committee),
        method: index % 3 === 0 ? 'wechat' : 'cash'
      });
    }
  }

  async payOut(what: string): Promise<void> {
    const project = await this.reload();
    const amount = (await releasableIn(this.transaction, this.fundId, project)).toString();
    await writePayoutIn(this.transaction, {
      fundId: this.fundId,
      project,
      now: this.now,
      key: this.key(what),
      amount,
      requestedBy: userIdOf(this.people.admin),
      approvedBy: null,
      payeeName: '桂花井3号院居委会'
    });
  }

  async spend(what: string, amount: string, invoiceNo: string): Promise<void> {
    await writeExpenseIn(this.transaction, {
      fundId: this.fundId,
      project: await this.reload(),
      now: this.now,
      key: this.key(what),
      amount,
      supplier: '明亮照明工程部',
      invoiceNo,
      lineNo: null,
      recordedBy: userIdOf(this.people.committee)
    });
  }

  /** The acceptance, recorded by the office with photos and confirmed by a second person. */
  async accept(): Promise<void> {
    const common = { fundId: this.fundId, number: this.number, now: this.now, ip: null };
    demoOk(
      `recording the acceptance of #${this.number}`,
      await recordAcceptanceIn(this.transaction, {
        ...common,
        actor: this.people.admin,
        checkedOn: chinaDateOf(this.now),
        note: '40盏声控灯全部点亮，线路入管，楼道墙面已修补。',
        costFinal: money('3800.00'),
        photos: [
          { kind: 'before', upload: demoPhoto([70, 70, 60], [40, 40, 35]) },
          { kind: 'after', upload: demoPhoto([250, 240, 200], [230, 230, 220]) }
        ]
      })
    );
    const [recorded] = await this.transaction<{ at: Date }[]>`
      select recorded_at as at from acceptances where application_id = ${(await this.reload()).id}`;
    if (recorded === undefined) throw new Error('demo seed: the lighting acceptance was not written');
    demoOk(
      `confirming the acceptance of #${this.number}`,
      await confirmAcceptanceIn(this.transaction, {
        ...common,
        actor: this.people.leader,
        seen: String(recorded.at.getTime())
      })
    );
  }

  async close(): Promise<void> {
    demoOk(
      `closing #${this.number}`,
      await closeIn(this.transaction, {
        fundId: this.fundId,
        number: this.number,
        now: this.now,
        ip: null,
        actor: this.people.admin,
        idempotencyKey: '00000000-0000-4000-8000-000000000902',
        kind: 'close',
        reason: ''
      })
    );
  }
}
