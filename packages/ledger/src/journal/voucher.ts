/**
 * A voucher's number, 记字第N号, where N is the entry's seq: the books number a fund's entries
 * 1, 2, 3, … without gaps, so the vouchers of a fund are numbered without gaps too.
 */
export function voucherNumberOf(seq: number): string {
  return `记字第${seq}号`;
}

/**
 * The voucher number an entry is shown, printed and exported with: the one stored with it, or,
 * for an entry stored without one (the demo's first entries, posted before vouchers existed), the
 * number computed from its seq. The stored number is part of the entry's signed canonical text,
 * so a missing one cannot be filled in afterwards; every reader asks this function instead.
 */
export function entryVoucherNumber(entry: { readonly seq: number; readonly voucherNumber?: string | null }): string {
  return entry.voucherNumber ?? voucherNumberOf(entry.seq);
}
