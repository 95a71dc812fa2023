// Banking calendar: Europe/Tallinn dates and times (DST-correct), Estonian public holidays and TARGET2
// closing days. Business dates of Coop Pank (statement days, execution dates, cut-offs) are Tallinn dates.

export const BANK_TIME_ZONE = 'Europe/Tallinn';

const dateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: BANK_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: BANK_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** `YYYY-MM-DD` in Tallinn. */
export function tallinnDate(instant: Date): string {
  return dateFormat.format(instant);
}

/** Minutes since Tallinn midnight. */
export function tallinnMinuteOfDay(instant: Date): number {
  const parts = Object.fromEntries(partsFormat.formatToParts(instant).map((p) => [p.type, p.value]));
  return Number(parts.hour) * 60 + Number(parts.minute);
}

/** Offset of Tallinn from UTC at an instant, in minutes (120 in winter, 180 in summer). */
function offsetMinutes(instant: Date): number {
  const parts = Object.fromEntries(partsFormat.formatToParts(instant).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant of a Tallinn wall-clock time (`HH:MM`) on a Tallinn date. */
export function tallinnInstant(date: string, time: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall - offsetMinutes(new Date(wall)) * 60_000;
  guess = wall - offsetMinutes(new Date(guess)) * 60_000;
  return new Date(guess);
}

/** Tallinn ISO date-time with offset, e.g. `2026-03-02T10:15:00+02:00` (what Estonian banks put in camt). */
export function tallinnDateTime(instant: Date): string {
  const offset = offsetMinutes(instant);
  const local = new Date(Math.floor(instant.getTime() / 1000) * 1000 + offset * 60_000);
  const sign = offset >= 0 ? '+' : '-';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${local.toISOString().slice(0, 19)}${sign}${hours}:${minutes}`;
}

export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

function easterSunday(year: number): string {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const holidayCache = new Map<number, Set<string>>();

/**
 * Days on which the bank does not execute SEPA payments: Estonian public holidays falling on weekdays
 * (New Year, Independence Day, Good Friday, Easter, Spring Day, Whitsun, Victory Day, Midsummer, Restoration
 * of Independence, Christmas) plus TARGET2 closing days (Easter Monday, 1 May, 26 December).
 */
export function bankHolidays(year: number): Set<string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const easter = easterSunday(year);
  const fixed = ['01-01', '02-24', '05-01', '06-23', '06-24', '08-20', '12-24', '12-25', '12-26'];
  const days = new Set([
    ...fixed.map((md) => `${year}-${md}`),
    addDays(easter, -2), // Good Friday
    addDays(easter, 1), // Easter Monday (TARGET2)
  ]);
  holidayCache.set(year, days);
  return days;
}

export function isBusinessDay(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !bankHolidays(year).has(date);
}

/** The first business day on or after `date`. */
export function onOrNextBusinessDay(date: string): string {
  let current = date;
  while (!isBusinessDay(current)) current = addDays(current, 1);
  return current;
}

export function nextBusinessDay(date: string): string {
  return onOrNextBusinessDay(addDays(date, 1));
}
