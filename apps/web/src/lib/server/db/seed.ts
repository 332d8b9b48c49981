import { seedDemoApplications } from '../applications';
import { seedDemoBooks } from '../books/demo';
import { seedDemoPeople } from '../demo-people';
import { seedDemoFundOffice } from '../fund-office';
import { seedDemoMoneyIn } from '../money-in';
import { seedDemoMoreStates } from '../more-states-demo';
import { seedDemoReview } from '../review-demo';
import type { Sql, Transaction } from './client';

/**
 * The demo fund 桂花井社区共建基金 (slug `guihuajing`), the worked example of DOMAIN.md. Each
 * capability adds a step here; a step runs once per database, in its own transaction, so an
 * existing installation gains the new demo data on its next start and nothing runs twice.
 */
interface SeedStep {
  name: string;
  run(transaction: Transaction): Promise<void>;
}

export const DEMO_FUND_SLUG = 'guihuajing';

const steps: readonly SeedStep[] = [
  {
    name: '001_demo_fund',
    async run(transaction) {
      await transaction`
        insert into funds (slug, name_zh, name_en)
        values (${DEMO_FUND_SLUG}, '桂花井社区共建基金', 'Guihuajing Community Co-building Fund')
        on conflict (slug) do nothing`;
    }
  },
  {
    name: '002_demo_books',
    async run(transaction) {
      const [fund] = await transaction<
        { id: string }[]
      >`select id::text as id from funds where slug = ${DEMO_FUND_SLUG}`;
      if (fund === undefined) throw new Error('The demo fund is missing although 001_demo_fund ran.');
      await seedDemoBooks(transaction, fund.id);
    }
  },
  {
    name: '003_demo_people',
    async run(transaction) {
      await seedDemoPeople(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    name: '004_demo_fund_office',
    async run(transaction) {
      await seedDemoFundOffice(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    name: '005_demo_money_in',
    async run(transaction) {
      await seedDemoMoneyIn(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    name: '006_demo_applications',
    async run(transaction) {
      await seedDemoApplications(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    name: '007_demo_review',
    async run(transaction) {
      await seedDemoReview(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    name: '008_demo_more_states',
    async run(transaction) {
      await seedDemoMoreStates(transaction, await demoFundId(transaction), new Date());
    }
  }
];

async function demoFundId(transaction: Transaction): Promise<string> {
  const [fund] = await transaction<{ id: string }[]>`select id::text as id from funds where slug = ${DEMO_FUND_SLUG}`;
  if (fund === undefined) throw new Error('The demo fund is missing although 001_demo_fund ran.');
  return fund.id;
}

export async function seedDemo(sql: Sql): Promise<string[]> {
  const ran: string[] = [];
  for (const step of steps) {
    const didRun = await sql.begin(async (transaction) => {
      // The lock makes two processes starting at once queue here instead of seeding twice.
      await transaction`lock table demo_seed_steps in exclusive mode`;
      const [done] = await transaction`select 1 from demo_seed_steps where name = ${step.name}`;
      if (done) return false;
      await step.run(transaction);
      await transaction`insert into demo_seed_steps (name) values (${step.name})`;
      return true;
    });
    if (didRun) ran.push(step.name);
  }
  return ran;
}
