/**
 * @gongjian/ledger: the pure accounting core of Gongjian.
 *
 * Nothing in this package performs I/O, reads the clock or draws random numbers, so the same
 * inputs always give the same outputs and the package runs unchanged in Node and in a browser.
 */

/** The currency every fund keeps its books in, with its number of minor-unit digits (fen). */
export const CNY = Object.freeze({ code: 'CNY', scale: 2 } as const);

export type Currency = typeof CNY;
