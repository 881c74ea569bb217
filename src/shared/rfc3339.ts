// Strict RFC 3339 times ("2026-01-02T15:04:05Z", "2026-01-02T15:04:05.5+02:00"). Date.parse
// alone is not enough: it rolls "2026-02-30" over to 2 March and reads many other shapes,
// so each field is checked against its range here and the reason names the field.

export type Rfc3339 = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly reason: string };

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function daysIn(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC, so no time zone can shift it.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses an RFC 3339 date-time into unix ms; a leap second (:60) is refused, as JS time has none. */
export function parseRfc3339(text: string): Rfc3339 {
  const m = SHAPE.exec(text);
  if (m === null) return { ok: false, reason: 'is not an RFC 3339 time such as 2026-01-02T15:04:05Z' };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) return { ok: false, reason: `has month ${m[2]}: months are 01..12` };
  const days = daysIn(year, month);
  if (day < 1 || day > days)
    return { ok: false, reason: `has day ${m[3]}: ${MONTHS[month - 1]} ${year} has days 01..${days}` };
  if (hour > 23) return { ok: false, reason: `has hour ${m[4]}: hours are 00..23` };
  if (minute > 59) return { ok: false, reason: `has minute ${m[5]}: minutes are 00..59` };
  if (second > 59) return { ok: false, reason: `has second ${m[6]}: seconds are 00..59` };
  let offsetMin = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59)
      return { ok: false, reason: `has offset ${m[9]}${m[10]}:${m[11]}: offsets are -23:59..+23:59` };
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Milliseconds, truncated as Date.parse does.
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  date.setUTCFullYear(year);
  return { ok: true, ms: date.getTime() + fraction - offsetMin * 60_000 };
}
