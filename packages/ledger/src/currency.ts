/** The currency every fund keeps its books in, with its number of minor-unit digits (fen). */
export const CNY = Object.freeze({ code: 'CNY', scale: 2 } as const);

export type Currency = typeof CNY;
