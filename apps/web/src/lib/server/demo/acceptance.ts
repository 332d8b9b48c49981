import { chinaDateOf } from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import { demoActorIn, demoOk } from './workflow';
import { confirmAcceptanceIn, recordAcceptanceIn } from '../projects/acceptance';
import { deflateSync } from 'node:zlib';
import { sha256Hex, type Upload } from '../platform/attachments';

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = index;
  for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  return crc >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * The demo's acceptance check of an active project (by default #6, 桂花井3号院's entrance-door
 * repair): recorded by 王秘书 with a photo before and after, and, unless `confirm` is false,
 * confirmed by 赵委员, which makes the project accepted. Run it after the project's payouts and
 * expenses, and before its evaluation codes, which need an accepted project.
 */
export async function seedDemoAcceptance(
  transaction: Transaction,
  fundId: string,
  now: Date,
  options: { number?: number; confirm?: boolean } = {}
): Promise<void> {
  const number = options.number ?? 6;
  const admin = await demoActorIn(transaction, 'demo-admin');
  const leader = await demoActorIn(transaction, 'demo-leader2');
  const common = { fundId, number, now, ip: null };
  demoOk(
    `recording the acceptance of #${number}`,
    await recordAcceptanceIn(transaction, {
      ...common,
      actor: admin,
      checkedOn: chinaDateOf(now),
      note: '现场查看：门禁主机已更换，刷卡、对讲和远程开门均正常，施工垃圾已清运。',
      costFinal: null,
      photos: [
        { kind: 'before', upload: demoPhoto([120, 110, 100], [90, 80, 70]) },
        { kind: 'after', upload: demoPhoto([200, 210, 220], [60, 120, 180]) }
      ]
    })
  );
  if (options.confirm === false) return;
  const [recorded] = await transaction<{ at: Date }[]>`
    select a.recorded_at as at from acceptances a join applications p on p.id = a.application_id
     where p.fund_id = ${fundId} and p.number = ${number}`;
  if (recorded === undefined) throw new Error('demo seed: the acceptance was not written');
  demoOk(
    `confirming the acceptance of #${number}`,
    await confirmAcceptanceIn(transaction, { ...common, actor: leader, seen: String(recorded.at.getTime()) })
  );
}

/**
 * A small picture for the demo's acceptance: two bands of colour (a wall before, a wall after),
 * written as a real PNG so that it is stored and served like any photo people upload.
 */
export function demoPhoto(top: readonly [number, number, number], bottom: readonly [number, number, number]): Upload {
  const width = 96;
  const height = 64;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const colour = y < height / 2 ? top : bottom;
    for (let x = 0; x < width; x += 1) raw.set(colour, y * (width * 3 + 1) + 1 + x * 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const bytes = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', new Uint8Array())
  ]);
  const content = new Uint8Array(bytes);
  return { bytes: content, mediaType: 'image/png', sha256: sha256Hex(content), originalName: 'demo.png' };
}
