/**
 * Where a fund's public pages stood when this process last served one: its ledger head's seq and
 * its last event's id. Both only grow on the primary, and a replica replays the primary's commits
 * in their order, so a read whose seq or last event is below what was served is older than a page
 * a visitor may already hold.
 */
export interface ServedPosition {
  seq: number;
  /** An events.id (bigint) as text. */
  lastEvent: string;
}

/**
 * Enough for every fund of a county many times over; a province's process forgets the funds
 * visited least recently, about 100 bytes each (a few MB at the cap).
 */
const SERVED_FUNDS_MAX = 50_000;

/**
 * The newest position served per fund, in this process, in a Map bounded by a count (least
 * recently served first out). A fund pushed out can again be served from a replica that is
 * behind what was served for it, but only once it has not been served for longer than the
 * SERVED_FUNDS_MAX other funds took, far longer than any replica's lag that does not show the
 * note anyway.
 */
export class ServedStamps {
  private readonly positions = new Map<string, ServedPosition>();

  constructor(private readonly fundsMax = SERVED_FUNDS_MAX) {}

  /** Whether a read at this position would be older than something already served for the fund. */
  isOlder(fundId: string, position: ServedPosition): boolean {
    const served = this.positions.get(fundId);
    if (served === undefined) return false;
    return position.seq < served.seq || BigInt(position.lastEvent) < BigInt(served.lastEvent);
  }

  /** Remembers that a page at this position was served (keeping the newer of each part). */
  record(fundId: string, position: ServedPosition): void {
    const served = this.positions.get(fundId);
    this.positions.delete(fundId);
    this.positions.set(
      fundId,
      served === undefined
        ? { seq: position.seq, lastEvent: position.lastEvent }
        : {
            seq: Math.max(served.seq, position.seq),
            lastEvent: BigInt(position.lastEvent) > BigInt(served.lastEvent) ? position.lastEvent : served.lastEvent
          }
    );
    for (const oldest of this.positions.keys()) {
      if (this.positions.size <= this.fundsMax) break;
      this.positions.delete(oldest);
    }
  }

  get size(): number {
    return this.positions.size;
  }
}
