import type { Transaction } from '../db/client';
import { demoNoticeEndedIn } from './calendar';
import {
  approveDemoIn,
  demoActorIn,
  demoLeadersIn,
  precheckDemoIn,
  submitDemoApplicationIn,
  type DemoApplication
} from './workflow';

/**
 * The rest of the states an application can be in, for a newcomer to see each once, written
 * through the use cases so that every rule holds (step 008_demo_more_states, after the review's):
 *
 * - 南街小区's wall repair, 6,000.00, pre-checked and in review with one vote (李组长, approve);
 * - 南街小区's open-air film nights, refused at the pre-check as outside what the fund supports;
 * - 桂花井3号院's entrance-door repair, 2,500.00, approved by the three leaders (which holds its
 *   1,500.00 match on the pool, as an active grant keeps) and active.
 *
 * The last one is a demo shortcut: its notice starts today and lasts five working days, so the
 * seed asks for its end at once (demoNoticeEndedIn) instead of waiting.
 * The notice of #1, approved by the review's step, stays open.
 */

const PASSED = '材料齐全，提交领导小组表决。';

const WALL: DemoApplication = {
  compoundCode: 'c-nanjie',
  draftKey: '00000000-0000-4000-8000-000000000801',
  basics: {
    title: '围墙修补',
    category: 'repairs',
    description: '小区东侧围墙有两处坍塌缺口，修补并加装防攀爬刺。',
    location: '南街小区东侧围墙'
  },
  lines: [{ item: '围墙修补及防攀爬刺', quantity: '1', unitPrice: '6000.00' }],
  selfRaiseTarget: '',
  householdsExpected: '100',
  meeting: { date: '2026-10-18', total: '120', present: '82', agreeing: '70' }
};

const FILMS: DemoApplication = {
  compoundCode: 'c-nanjie',
  draftKey: '00000000-0000-4000-8000-000000000802',
  basics: {
    title: '露天电影放映',
    category: 'culture',
    description: '夏季每周六晚在中心广场放映露天电影，租用放映设备。',
    location: '南街小区中心广场'
  },
  lines: [{ item: '放映设备租赁', quantity: '8', unitPrice: '400.00' }],
  selfRaiseTarget: '',
  householdsExpected: '100',
  meeting: { date: '2026-10-18', total: '120', present: '82', agreeing: '61' }
};

const DOOR: DemoApplication = {
  compoundCode: 'c-guihua-3',
  draftKey: '00000000-0000-4000-8000-000000000803',
  basics: {
    title: '单元门禁维修',
    category: 'repairs',
    description: '2号楼单元门禁主机损坏，更换主机并重新调试。',
    location: '桂花井3号院2号楼'
  },
  lines: [
    { item: '门禁主机', quantity: '1', unitPrice: '2000.00' },
    { item: '安装调试', quantity: '1', unitPrice: '500.00' }
  ],
  selfRaiseTarget: '',
  householdsExpected: '25',
  meeting: { date: '2026-10-25', total: '25', present: '20', agreeing: '19' }
};

export async function seedDemoMoreStates(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const moment = { fundId, now };
  const admin = await demoActorIn(transaction, 'demo-admin');
  const committee = await demoActorIn(transaction, 'demo-committee');
  const committeeB = await demoActorIn(transaction, 'demo-committee-b');
  const leaders = await demoLeadersIn(transaction);

  const wall = await submitDemoApplicationIn(transaction, { ...moment, actor: committeeB, application: WALL });
  await precheckDemoIn(transaction, { ...moment, admin, number: wall, outcome: 'pass', comments: PASSED });
  await approveDemoIn(transaction, { ...moment, leaders: leaders.slice(0, 1), number: wall });

  const films = await submitDemoApplicationIn(transaction, { ...moment, actor: committeeB, application: FILMS });
  const outside = '设备租赁属于日常活动开支，不在基金支持的共建项目范围内。';
  await precheckDemoIn(transaction, { ...moment, admin, number: films, outcome: 'reject', comments: outside });

  const door = await submitDemoApplicationIn(transaction, { ...moment, actor: committee, application: DOOR });
  await precheckDemoIn(transaction, { ...moment, admin, number: door, outcome: 'pass', comments: PASSED });
  await approveDemoIn(transaction, { ...moment, leaders, number: door });
  await demoNoticeEndedIn(transaction, { fundId, number: door, now, what: 'the door repair' });
}
