import { seedDemoAcceptance } from './acceptance';
import { seedDemoApplications } from './applications';
import { seedDemoBank } from './bank';
import { seedDemoBooks } from './books';
import { seedDemoActive, seedDemoClosed } from './closing';
import { seedDemoPeople } from './people';
import { seedDemoPeriodClose } from './period-close';
import { seedDemoEvaluation } from './evaluation';
import { seedDemoExpenses } from './expenses';
import { seedDemoFundOffice } from './fund-office';
import { seedDemoMoneyIn } from './money-in';
import { seedDemoMoreStates } from './more-states';
import { seedDemoPayouts } from './payouts';
import { seedDemoPlatformAdmin } from './platform';
import { seedDemoPrivacyChecks } from './privacy-check';
import { seedDemoReview } from './review';
import { seedDemoSelfRaising } from './self-raising';
import { seedDemoCorrection } from './corrections';
import { seedDemoNotifications } from './notifications';
import { seedDemoNeeds } from './needs';
import { seedDemoResources } from './resources';
import { seedDemoProjectList } from './project-list';
import { seedDemoSignoffs } from './signoffs';
import { seedDemoRegions } from './regions';
import type { Sql, Transaction } from '../db/client';

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
  },
  {
    name: '009_demo_platform',
    async run(transaction) {
      await seedDemoPlatformAdmin(transaction);
    }
  },
  {
    // The active door repair (#6) raises money, is paid a first tranche, spends, is accepted and
    // evaluated; a new project (#7) goes all the way to closed with its surplus refunded; and a
    // third (#8) is left active, its match held, for a newcomer to raise money and pay out.
    name: '010_demo_projects',
    async run(transaction) {
      const fundId = await demoFundId(transaction);
      const now = new Date();
      await seedDemoSelfRaising(transaction, fundId, now);
      await seedDemoPayouts(transaction, fundId, now);
      await seedDemoExpenses(transaction, fundId, now);
      await seedDemoAcceptance(transaction, fundId, now);
      await seedDemoEvaluation(transaction, fundId, now);
      await seedDemoClosed(transaction, fundId, now);
      await seedDemoActive(transaction, fundId, now);
    }
  },
  {
    // The public side: the project files someone checked for personal data are published; one
    // is left unchecked, so the office's files page shows both states.
    name: '011_demo_public',
    async run(transaction) {
      await seedDemoPrivacyChecks(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    // A unit's payment recorded against the wrong unit, reversed with its reason (冲销) and
    // recorded again against the right one.
    name: '012_demo_correction',
    async run(transaction) {
      await seedDemoCorrection(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    // A reconciled month: the pool's bank account, its statement imported and matched, and the
    // period reconciled, so the public fund page shows 对账至.
    name: '013_demo_bank',
    async run(transaction) {
      await seedDemoBank(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    // Notifications that leave the app: the administrator's confirmed e-mail and a few queued messages.
    name: '015_demo_notifications',
    async run(transaction) {
      await seedDemoNotifications(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    // The needs list (需求清单): needs in every state before the project list, supported with
    // the households' codes (户码).
    name: '016_demo_needs',
    async run(transaction) {
      await seedDemoNeeds(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    // The resources list (资源清单): offers of several kinds from several units and one individual,
    // with what they gave; one lot of goods with a fair value is recognised in the books.
    name: '017_demo_resources',
    async run(transaction) {
      await seedDemoResources(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    // The project list (项目清单): an order delivered by its unit with feedback, photos and
    // ratings, one whose pre-filled draft became an approved project, and one in progress.
    name: '018_demo_project_list',
    async run(transaction) {
      await seedDemoProjectList(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    // Residents sign off the work (居民代表签认): a policy version asking for two sign-offs, three
    // representatives of 桂花井3号院, and two accepted projects, one signed off, one waiting.
    name: '019_demo_signoffs',
    async run(transaction) {
      await seedDemoSignoffs(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    // Regions (片区): the demo fund in 花园街道 of 青山区, an empty second street, and the
    // county's region officer demo-region, who reads every fund of the county and writes nothing.
    name: '020_demo_regions',
    async run(transaction) {
      await seedDemoRegions(transaction, await demoFundId(transaction), new Date());
    }
  },
  {
    // The period close (结账): the last fully ended month with entries is closed, with its closing
    // vouchers. It stays the last step: the demo steps added with it (012_demo_correction,
    // 013_demo_bank) and any later one go before it, so that they post while the period is open.
    name: '014_demo_period_close',
    async run(transaction) {
      await seedDemoPeriodClose(transaction, await demoFundId(transaction), new Date());
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
