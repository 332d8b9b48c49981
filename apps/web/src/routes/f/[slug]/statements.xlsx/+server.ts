import { statementsDownload } from '../statements-download.server';

/** The fund's statements (资产负债表, 业务活动表, 现金流量表) as XLSX. Query: period=2026 | 2026-Q3 | 2026-11, or from=YYYY-MM-DD&to=YYYY-MM-DD. */
export const GET = statementsDownload('xlsx');
