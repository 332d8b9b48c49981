import type { CalendarYear } from '../../src/index.js';

/**
 * A test fixture, not data the package ships: the 2026 public holidays of mainland China, as the
 * State Council's notice (国务院办公厅关于2026年部分节假日安排的通知, issued 2025-11-04) lists
 * them. The application keeps the calendar in its database; `sql/013_calendar.sql` seeds these
 * same days, and a database test checks that the two agree.
 */
export const CALENDAR_2026: CalendarYear = {
  year: 2026,
  holidays: [
    // 元旦: Thursday 1 January to Saturday 3 January.
    ...['2026-01-01', '2026-01-02', '2026-01-03'],
    // 春节: Sunday 15 February (腊月二十八) to Monday 23 February (正月初七).
    ...['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19'],
    ...['2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'],
    // 清明节: Saturday 4 April to Monday 6 April.
    ...['2026-04-04', '2026-04-05', '2026-04-06'],
    // 劳动节: Friday 1 May to Tuesday 5 May.
    ...['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05'],
    // 端午节: Friday 19 June to Sunday 21 June.
    ...['2026-06-19', '2026-06-20', '2026-06-21'],
    // 中秋节: Friday 25 September to Sunday 27 September.
    ...['2026-09-25', '2026-09-26', '2026-09-27'],
    // 国庆节: Thursday 1 October to Wednesday 7 October.
    ...['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']
  ],
  makeupWorkdays: [
    '2026-01-04', // Sunday, for 元旦.
    '2026-02-14', // Saturday, for 春节.
    '2026-02-28', // Saturday, for 春节.
    '2026-05-09', // Saturday, for 劳动节.
    '2026-09-20', // Sunday, for 国庆节.
    '2026-10-10' // Saturday, for 国庆节.
  ]
};
