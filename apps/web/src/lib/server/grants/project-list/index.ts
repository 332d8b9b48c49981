/** The project list (项目清单): orders matching residents' needs to what the units offer. */
export { placeOrder, placeOrderIn, type PlaceOrderInput, type PlaceOrderResult } from './place';
export {
  cancelItem,
  checkPhoto,
  deliverItem,
  deliverItemIn,
  followApplicationIn,
  startWork,
  startWorkIn,
  type ItemResult
} from './items';
export { evaluateItem, isRating, type EvaluateItemResult } from './evaluation';
export {
  itemDetail,
  listFilterOptions,
  listItems,
  publicPhoto,
  NO_FILTERS,
  type ItemDetail,
  type ItemRow,
  type ListFilters
} from './reads';
export { orderOptions, type OrderOptions } from './options';
export { posterData, type PosterData } from './poster';
export { itemNumberOf } from './model';
