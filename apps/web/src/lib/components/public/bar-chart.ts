import { money } from '@gongjian/ledger';

/**
 * The geometry of a stacked bar chart drawn on the server as SVG. Amounts arrive as decimal
 * strings and stay exact everywhere they are shown as figures; only here, to decide how many
 * pixels tall a bar is, are they turned into numbers, which nothing reads back.
 */

export interface ChartRow {
  /** The row's full name (a month), for the table and the bar's tooltip. */
  label: string;
  /** The axis label under the bar, or '' to leave the bar unlabelled. */
  tick: string;
  /** One decimal string per series. */
  values: readonly string[];
}

export interface Segment {
  series: number;
  y: number;
  height: number;
}

export interface Bar {
  x: number;
  width: number;
  label: string;
  tick: string;
  segments: Segment[];
}

export interface Gridline {
  y: number;
  value: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  /** Where zero is. */
  baseline: number;
  bars: Bar[];
  gridlines: Gridline[];
}

export const CHART_WIDTH = 360;
export const CHART_HEIGHT = 220;
const PLOT = { left: 48, top: 12, right: CHART_WIDTH - 8, bottom: CHART_HEIGHT - 28 };
const TICKS = 4;

/** The smallest 1, 2, 2.5 or 5 × 10^n at least `value`: gridlines at round amounts. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 0;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

function numberOf(amount: string): number {
  return money(amount).toDecimal().toNumber();
}

/** Stacks each row's positive values up from zero and its negative ones down from it. */
export function layoutBars(rows: readonly ChartRow[]): ChartLayout {
  let highest = 0;
  let lowest = 0;
  const numbers = rows.map((row) => row.values.map(numberOf));
  for (const values of numbers) {
    highest = Math.max(
      highest,
      values.filter((value) => value > 0).reduce((sum, value) => sum + value, 0)
    );
    lowest = Math.min(
      lowest,
      values.filter((value) => value < 0).reduce((sum, value) => sum + value, 0)
    );
  }
  // Gridlines every `step`, as many above zero as the highest bar needs and below it as the lowest.
  const span = highest - lowest;
  const step = niceCeil(span / TICKS) || 1;
  const top = Math.ceil(highest / step) * step || (lowest < 0 ? 0 : step);
  const bottom = Math.floor(lowest / step) * step;
  const scale = (PLOT.bottom - PLOT.top) / (top - bottom);
  const yOf = (value: number) => PLOT.top + (top - value) * scale;
  const baseline = yOf(0);

  const gridlines: Gridline[] = [];
  for (let value = bottom; value <= top + step / 2; value += step) gridlines.push({ y: yOf(value), value });

  const slot = rows.length === 0 ? 0 : (PLOT.right - PLOT.left) / rows.length;
  const width = Math.max(1, slot * 0.7);
  const bars = rows.map((row, index): Bar => {
    let up = 0;
    let down = 0;
    const segments: Segment[] = [];
    (numbers[index] ?? []).forEach((value, series) => {
      if (value > 0) {
        segments.push({ series, y: yOf(up + value), height: value * scale });
        up += value;
      } else if (value < 0) {
        segments.push({ series, y: yOf(down), height: -value * scale });
        down += value;
      }
    });
    return { x: PLOT.left + index * slot + (slot - width) / 2, width, label: row.label, tick: row.tick, segments };
  });
  return { width: CHART_WIDTH, height: CHART_HEIGHT, plot: PLOT, baseline, bars, gridlines };
}

/**
 * Fills with more than colour: each series has a colour dark enough to stand out against the
 * page (3:1 or better, WCAG 1.4.11) and a pattern of its own, so a reader who does not tell the
 * colours apart, or a grey printout, still tells the series apart with the legend.
 */
export const SERIES_STYLES = [
  { colour: '#9a3412', mark: 'none' },
  { colour: '#1d4ed8', mark: 'stripes' },
  { colour: '#047857', mark: 'dots' },
  { colour: '#6d28d9', mark: 'crosshatch' },
  { colour: '#374151', mark: 'horizontal' },
  { colour: '#be185d', mark: 'vertical' },
  { colour: '#0f766e', mark: 'backslash' },
  { colour: '#92400e', mark: 'grid' }
] as const;

export type Mark = (typeof SERIES_STYLES)[number]['mark'];

export function styleOf(series: number): (typeof SERIES_STYLES)[number] {
  return SERIES_STYLES[series % SERIES_STYLES.length] ?? SERIES_STYLES[0];
}

/** A gridline's amount, short: 20,000 as 2万 in Chinese and 20K in English. */
export function axisLabel(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}
