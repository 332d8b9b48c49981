import type { Transaction } from '../db/client';
import { demoActorIn, startDemoDraftIn, submitDemoApplicationIn, type DemoApplication } from './workflow';

const BARRIER: DemoApplication = {
  compoundCode: 'c-guihua-3',
  draftKey: '00000000-0000-4000-8000-000000000601',
  basics: {
    title: '更换停车道闸',
    category: 'repairs',
    description: '院内停车道闸老化，经常抬不起杆，外来车辆随意进出。更换为车牌识别一体机。',
    location: '桂花井3号院北门'
  },
  lines: [{ item: '道闸一体机', quantity: '1', unitPrice: '5000.00' }],
  selfRaiseTarget: '2000.00',
  householdsExpected: '25',
  meeting: { date: '2026-09-12', total: '25', present: '21', agreeing: '20' }
};

/** A draft with only its first step filled. */
const LIGHTS_DRAFT = {
  compoundCode: 'c-guihua-3',
  draftKey: '00000000-0000-4000-8000-000000000602',
  basics: {
    title: '楼道照明改造',
    category: 'safety',
    description: '1号楼、2号楼楼道灯更换为声控LED灯。',
    location: '桂花井3号院1号楼、2号楼'
  }
};

const FITNESS: DemoApplication = {
  compoundCode: 'c-nanjie',
  draftKey: '00000000-0000-4000-8000-000000000603',
  basics: {
    title: '健身器材维修',
    category: 'repairs',
    description: '小区广场健身器材维修，更换损坏部件并重新刷漆。',
    location: '南街小区中心广场'
  },
  lines: [
    { item: '器材配件更换', quantity: '6', unitPrice: '800.00' },
    { item: '防锈漆及人工', quantity: '1', unitPrice: '2600.00' },
    { item: '地面防滑垫', quantity: '4', unitPrice: '300.00' }
  ],
  selfRaiseTarget: '',
  householdsExpected: '100',
  meeting: { date: '2026-10-08', total: '120', present: '80', agreeing: '66' }
};

/**
 * The demo's applications, written through the use cases so that every rule holds: #1 (桂花井3号院,
 * a parking barrier) submitted, #2 (the same compound's stairway lights) a draft, #3 (南街小区,
 * fitness equipment) submitted. The review seed that follows moves them on.
 */
export async function seedDemoApplications(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const moment = { fundId, now };
  const committee = await demoActorIn(transaction, 'demo-committee');
  const committeeB = await demoActorIn(transaction, 'demo-committee-b');
  await submitDemoApplicationIn(transaction, { ...moment, actor: committee, application: BARRIER });
  await startDemoDraftIn(transaction, { ...moment, actor: committee, application: LIGHTS_DRAFT });
  await submitDemoApplicationIn(transaction, { ...moment, actor: committeeB, application: FITNESS });
}
