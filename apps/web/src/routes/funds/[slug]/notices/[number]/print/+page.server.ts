import { noticeOf } from '../notice.server';
import type { PageServerLoad } from './$types';

/** The notice alone, for printing on A4 and posting on the compound's notice board. */
export const load: PageServerLoad = async (event) => {
  const { fund, notice } = await noticeOf(event);
  return { fund: { slug: fund.slug, nameZh: fund.nameZh, nameEn: fund.nameEn }, notice };
};
