/**
 * The worked example from DOMAIN.md as the books would record it: eleven grid units put up the
 * start capital, the leadership group approves a 3,000 match on a 5,000 parking barrier, 25
 * households pay 80 each, the fund pays the match into the project's account, the vendor is
 * paid, and the restriction on the spent match is released.
 */
import { allocate, money } from '../../src/index.js';

export const UNITS = ['u01', 'u02', 'u03', 'u04', 'u05', 'u06', 'u07', 'u08', 'u09', 'u10', 'u11'];
export const HOUSEHOLDS = Array.from(
  { length: 25 },
  (_, index) => `${Math.floor(index / 10) + 1}-${(index % 10) + 1}-${101 + index} 张*`
);

function startCapital(): string {
  const shares = allocate(
    money('100000'),
    UNITS.map(() => 1n)
  );
  if (!shares.ok) throw new Error(shares.code);
  return UNITS.map(
    (unit, index) => `
    open 4101.01.U-${unit}
    2026-03-01 * "网格单位出资：启动资金 ${unit}" voucher:记-${String(index + 1).padStart(3, '0')}
      1002.01              ${shares.value[index]?.toString()}
      4101.01.U-${unit}   -${shares.value[index]?.toString()}`
  ).join('\n');
}

const HOUSEHOLD_LINES = HOUSEHOLDS.map((household) => `2209.P-barrier  -80.00  ; ${household}`).join('\n');

export const WORKED_EXAMPLE = `
${startCapital()}
  open 1002.02.P-barrier "银行存款—项目资金—停车道闸"
  open 2209.P-barrier "其他应付款—代收自筹—停车道闸"
  open 5101.P-barrier "业务活动成本—资助项目—停车道闸"

  2026-03-10 hold m-barrier 1002.01 3000.00 ref:barrier

  2026-03-12 * "住户自筹：停车道闸" app:barrier
    1002.02.P-barrier   2000.00
    ${HOUSEHOLD_LINES}

  2026-03-15 settle m-barrier 3000.00 "拨付配套资金：停车道闸" app:barrier
    1002.02.P-barrier   3000.00
    1002.01            -3000.00

  2026-03-20 * "支付道闸更换款" app:barrier voucher:记-020
    5101.P-barrier      3000.00
    2209.P-barrier      2000.00
    1002.02.P-barrier  -5000.00

  2026-03-20 * "配套资金已用于项目，解除限制" app:barrier
    3102                3000.00
    3101               -3000.00
`;
