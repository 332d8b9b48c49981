import { balancesDownload } from '../books.server';

/** The 科目余额表 as XLSX (query: from=, to=, YYYY-MM-DD), for the fund administrator and the supervisor. */
export const GET = balancesDownload('xlsx');
