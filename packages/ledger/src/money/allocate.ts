import { ok, reject, type Result } from '../result.js';
import { CNY } from '../currency.js';
import { Money } from './money.js';

/** A weight is a non-negative decimal: a string, a bigint or an amount of money. Never a JS number. */
export type Weight = string | bigint | Money;

export type AllocateCode =
  | 'weights_must_not_be_empty'
  | 'weights_must_not_exceed_limit'
  | 'weight_must_be_a_decimal_string'
  | 'weight_must_not_be_negative'
  | 'weights_must_not_all_be_zero';

/** Splitting among more parties than this is a sign of a bug, not of a large compound. */
export const ALLOCATION_PARTS_MAX = 100_000;

/**
 * Splits an amount in proportion to weights by the largest-remainder method, exactly to the fen.
 * Every part first gets the floor of its exact share; the fen left over go one each to the parts
 * with the largest remainders, and equal remainders go to the earlier part. So the parts always
 * sum to the total, each part is within one fen of its exact share, and the same input always
 * gives the same split. A negative total is split as its magnitude and the parts negated.
 */
export function allocate(total: Money, weights: readonly Weight[]): Result<Money[], AllocateCode> {
  if (weights.length === 0) {
    return reject('weights_must_not_be_empty');
  }
  if (weights.length > ALLOCATION_PARTS_MAX) {
    return reject('weights_must_not_exceed_limit', { count: weights.length, countMax: ALLOCATION_PARTS_MAX });
  }
  const scaled = scaleWeights(weights);
  if (!scaled.ok) {
    return scaled;
  }
  const integers = scaled.value;
  const weightTotal = integers.reduce((sum, weight) => sum + weight, 0n);
  if (weightTotal === 0n) {
    return reject('weights_must_not_all_be_zero');
  }
  const minor = total.toMinor();
  const magnitude = minor < 0n ? -minor : minor;
  const parts = splitMinor({ magnitude, integers, weightTotal });
  return ok(parts.map((part) => Money.fromMinor(minor < 0n ? -part : part)));
}

/**
 * Turns decimal weights into integers with a common scale, so the split is pure bigint
 * arithmetic: each weight becomes its digits and its number of decimals.
 */
function scaleWeights(weights: readonly Weight[]): Result<bigint[], AllocateCode> {
  const scaled: { digits: bigint; places: number }[] = [];
  for (const [index, weight] of weights.entries()) {
    const parsed = weightParsed(weight);
    if (parsed === null) {
      return reject('weight_must_be_a_decimal_string', { index });
    }
    if (parsed.digits < 0n) {
      return reject('weight_must_not_be_negative', { index });
    }
    scaled.push(parsed);
  }
  const places = Math.max(...scaled.map((weight) => weight.places));
  return ok(scaled.map((weight) => weight.digits * 10n ** BigInt(places - weight.places)));
}

// A minus sign is accepted by the pattern so that a negative weight is reported as negative rather
// than as malformed.
const WEIGHT_PATTERN = /^-?\d+(?:\.\d{1,18})?$/;

function weightParsed(weight: Weight): { digits: bigint; places: number } | null {
  if (weight instanceof Money) {
    return { digits: weight.toMinor(), places: CNY.scale };
  }
  if (typeof weight === 'bigint') {
    return { digits: weight, places: 0 };
  }
  if (typeof weight === 'string' && WEIGHT_PATTERN.test(weight)) {
    const point = weight.indexOf('.');
    return { digits: BigInt(weight.replace('.', '')), places: point === -1 ? 0 : weight.length - point - 1 };
  }
  return null;
}

function splitMinor(input: { magnitude: bigint; integers: bigint[]; weightTotal: bigint }): bigint[] {
  const { magnitude, integers, weightTotal } = input;
  const parts = integers.map((weight) => (magnitude * weight) / weightTotal);
  const remainders = integers.map((weight, index) => ({ index, remainder: (magnitude * weight) % weightTotal }));
  let leftover = magnitude - parts.reduce((sum, part) => sum + part, 0n);
  remainders.sort((first, second) =>
    first.remainder === second.remainder ? first.index - second.index : first.remainder > second.remainder ? -1 : 1
  );
  for (const { index } of remainders) {
    if (leftover === 0n) {
      break;
    }
    parts[index] = (parts[index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  return parts;
}
