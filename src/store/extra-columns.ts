// The memory store's columns for the record's optional fields (src/shared/record-fields.ts),
// one per field by kind: text and labels as string-pool ids (runs from one job share a
// host, a reason, a label set), integers as Int32 with a presence bit in the row's flags,
// numbers as Float64 with NaN for absent.

import { EXTRA_FIELDS, extraOf, setExtra, type FieldSpec } from '../shared/record-fields.ts';
import type { RunRecord } from '../shared/run-record.ts';
import { F64Column, I32Column, U32Column, type U8Column } from './chunked-column.ts';
import { ABSENT, type StringPool } from './string-pool.ts';
import type { PoolId } from './ids.ts';

export type RowColumn = F64Column | U32Column<PoolId> | U32Column | I32Column | U8Column;

export interface ExtraColumn {
  readonly column: RowColumn;
  /** Whether the record's value fits the column; otherwise the row is kept aside as exotic. */
  fits(r: RunRecord): boolean;
  /** Stores the record's value; returns the flag bits to set on the row. */
  write(row: number, r: RunRecord): number;
  /** Adds the value, when the row has one, to `r`. */
  read(row: number, flags: number, r: RunRecord): void;
  /** Lets go of what the row holds (pool references). */
  release(row: number): void;
}

/** Text, or labels as JSON text, interned in the pool. */
class PooledColumn implements ExtraColumn {
  readonly column = new U32Column<PoolId>();

  constructor(
    private readonly name: string,
    private readonly pool: StringPool,
    readonly labels: boolean,
  ) {}

  fits(): boolean {
    return true;
  }

  write(row: number, r: RunRecord): number {
    const v = extraOf(r, this.name);
    this.column.set(row, v === undefined ? ABSENT : this.pool.intern(this.labels ? JSON.stringify(v) : String(v)));
    return 0;
  }

  read(row: number, _flags: number, r: RunRecord): void {
    const s = this.pool.getOptional(this.column.get(row));
    if (s !== undefined) setExtra(r, this.name, this.labels ? (JSON.parse(s) as Record<string, string>) : s);
  }

  release(row: number): void {
    this.pool.release(this.column.get(row));
  }
}

class IntColumn implements ExtraColumn {
  readonly column = new I32Column();

  constructor(
    private readonly name: string,
    /** The row flag that says the value is present. */
    private readonly bit: number,
  ) {}

  fits(r: RunRecord): boolean {
    const v = extraOf(r, this.name);
    return typeof v !== 'number' || (v | 0) === v;
  }

  write(row: number, r: RunRecord): number {
    const v = extraOf(r, this.name);
    const present = typeof v === 'number';
    this.column.set(row, present ? v : 0);
    return present ? this.bit : 0;
  }

  read(row: number, flags: number, r: RunRecord): void {
    if (flags & this.bit) setExtra(r, this.name, this.column.get(row));
  }

  release(): void {}
}

class NumberColumn implements ExtraColumn {
  readonly column = new F64Column();

  constructor(private readonly name: string) {}

  fits(): boolean {
    return true;
  }

  write(row: number, r: RunRecord): number {
    const v = extraOf(r, this.name);
    this.column.set(row, typeof v === 'number' ? v : Number.NaN);
    return 0;
  }

  read(row: number, _flags: number, r: RunRecord): void {
    const v = this.column.get(row);
    if (!Number.isNaN(v)) setExtra(r, this.name, v);
  }

  release(): void {}
}

/** The labels field's column: pool ids of JSON text, ABSENT for none (recent()'s label filter reads it). */
export function labelsColumn(extras: readonly ExtraColumn[]): U32Column<PoolId> {
  for (const e of extras) if (e instanceof PooledColumn && e.labels) return e.column;
  throw new Error('memory store: the field list has no labels field');
}

/**
 * One column per optional field. Integer fields take presence bits from `bits` in turn;
 * a field list with more integer fields than bits fails at start-up, not silently.
 */
export function extraColumns(pool: StringPool, bits: readonly number[]): ExtraColumn[] {
  let nextBit = 0;
  return EXTRA_FIELDS.map((f: FieldSpec): ExtraColumn => {
    switch (f.kind) {
      case 'text':
        return new PooledColumn(f.name, pool, false);
      case 'labels':
        return new PooledColumn(f.name, pool, true);
      case 'number':
        return new NumberColumn(f.name);
      case 'int': {
        const bit = bits[nextBit++];
        if (bit === undefined) throw new Error(`memory store: no flag bit left for ${f.name}; widen the flags column`);
        return new IntColumn(f.name, bit);
      }
      default:
        throw new Error(`memory store: ${f.name} is a core field (${f.kind})`);
    }
  });
}
