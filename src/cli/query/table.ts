// Columns fitted to a terminal width, for `patience runs` and `patience stats`. One
// column is elastic (the command): it takes the width the others leave and is cut with
// an ellipsis. When even its minimum does not fit, the least useful columns go first, so
// a narrow terminal shows fewer columns rather than wrapped lines. No line is ever wider
// than the width. Pure: cells in, lines out; colour is applied after the fitting, so that
// escape codes never count as width.
import { displayWidth, pad, truncate } from './terminal-text.ts';

export type Color = 'green' | 'red';

export interface ColumnSpec {
  header: string;
  align?: 'left' | 'right';
  /** The elastic column; exactly one per table. */
  flex?: boolean;
  /** Order of dropping when the line is too narrow: the highest goes first; absent never goes. */
  drop?: number;
  /** The narrowest width worth showing (flex: before columns are dropped; others: reserved room). */
  minWidth?: number;
}

export interface Cell {
  text: string;
  color?: Color;
}
export type CellInput = string | Cell;

export interface PlannedColumn {
  /** Index into the specs and into each row. */
  index: number;
  width: number;
  spec: ColumnSpec;
}

export interface TablePlan {
  columns: PlannedColumn[];
  width: number;
}

export interface PlanOptions {
  /** The flex column takes all the room left, not only what these rows need (rows still to come). */
  fill?: boolean;
}

const GAP = 2;
/** The elastic column's minimum when its spec names none. */
const FLEX_MIN = 16;

const textOf = (c: CellInput | undefined): string => (c === undefined ? '' : typeof c === 'string' ? c : c.text);

/** Which columns fit in `width`, and how wide each is. */
export function planTable(
  specs: readonly ColumnSpec[],
  rows: ReadonlyArray<readonly CellInput[]>,
  width: number,
  o: PlanOptions = {},
): TablePlan {
  const natural = specs.map((spec, i) =>
    Math.max(displayWidth(spec.header), spec.minWidth ?? 0, ...rows.map((r) => displayWidth(textOf(r[i])))),
  );
  const flex = specs.findIndex((s) => s.flex);
  const active = specs.map((_, i) => i);
  const room = (): number =>
    width - GAP * (active.length - 1) - active.reduce((sum, i) => sum + (i === flex ? 0 : (natural[i] ?? 0)), 0);
  const flexMin = flex < 0 ? 0 : Math.min(natural[flex] ?? 0, specs[flex]?.minWidth ?? FLEX_MIN);
  for (;;) {
    if (flex < 0 ? room() >= 0 : room() >= flexMin) break;
    const victim = active
      .filter((i) => specs[i]?.drop !== undefined)
      .sort((a, b) => (specs[b]?.drop ?? 0) - (specs[a]?.drop ?? 0))[0];
    if (victim === undefined) break;
    active.splice(active.indexOf(victim), 1);
  }
  const left = room();
  const columns = active.map((index) => {
    const spec = specs[index] as ColumnSpec;
    let w = natural[index] ?? 0;
    if (index === flex) w = Math.max(1, o.fill ? left : Math.min(w, left));
    return { index, width: w, spec };
  });
  return { columns, width };
}

/** One line of the table; never wider than the plan's width (cells are cut when even the plan does not fit). */
export function renderRow(
  plan: TablePlan,
  row: readonly CellInput[],
  paint: (color: Color, text: string) => string = (_c, t) => t,
): string {
  let line = '';
  let used = 0;
  plan.columns.forEach((col, n) => {
    const gap = n === 0 ? 0 : GAP;
    const room = Math.min(col.width, plan.width - used - gap);
    if (room <= 0) {
      used = plan.width;
      return;
    }
    const cell = row[col.index];
    const text = truncate(textOf(cell), room);
    const last = n === plan.columns.length - 1;
    // The last column is not padded: no trailing spaces.
    const padded = last && col.spec.align !== 'right' ? text : pad(text, room, col.spec.align ?? 'left');
    const color = typeof cell === 'object' ? cell.color : undefined;
    const shown = color === undefined || text === '' ? padded : paintPadded(padded, text, color, paint);
    line += ' '.repeat(gap) + shown;
    used += gap + room;
  });
  return line.trimEnd();
}

/** Colours the text only, not the padding around it. */
function paintPadded(padded: string, text: string, color: Color, paint: (c: Color, t: string) => string): string {
  const at = padded.indexOf(text);
  return padded.slice(0, at) + paint(color, text) + padded.slice(at + text.length);
}

/** The header line of a plan. */
export function renderHeader(plan: TablePlan, specs: readonly ColumnSpec[]): string {
  return renderRow(
    plan,
    specs.map((s) => s.header),
  );
}

/** A whole table: the header, then each row, fitted to `width`. */
export function renderTable(
  specs: readonly ColumnSpec[],
  rows: ReadonlyArray<readonly CellInput[]>,
  width: number,
  paint?: (color: Color, text: string) => string,
): string[] {
  const plan = planTable(specs, rows, width);
  return [renderHeader(plan, specs), ...rows.map((r) => renderRow(plan, r, paint))];
}
