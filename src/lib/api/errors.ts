/**
 * One way to turn whatever went wrong into something a person can read: ErrorBox renders this.
 * Accepts ApiError, SqlError-like values ({ message, line, column }), Error, strings.
 */
import { ApiError } from './client.ts';

export interface ErrorView {
  message: string;
  code?: string;
  status?: number;
  /** "line 3, column 7" when the error knows where. */
  location?: string;
  details?: unknown;
}

export function describeError(error: unknown): ErrorView {
  if (error instanceof ApiError) {
    return { message: error.message, code: error.code, status: error.status || undefined, details: error.details, location: locationOf(error.details) };
  }
  if (typeof error === 'string') return { message: error };
  if (error && typeof error === 'object') {
    const e = error as { message?: unknown; code?: unknown; details?: unknown };
    const message = typeof e.message === 'string' ? e.message : String(error);
    return { message, code: typeof e.code === 'string' ? e.code : undefined, details: e.details, location: locationOf(error) ?? locationOf(e.details) };
  }
  return { message: String(error) };
}

function locationOf(x: unknown): string | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const o = x as { line?: unknown; column?: unknown; file?: unknown };
  if (typeof o.line !== 'number') return undefined;
  const where = typeof o.file === 'string' ? `${o.file}, ` : '';
  return typeof o.column === 'number' ? `${where}line ${o.line}, column ${o.column}` : `${where}line ${o.line}`;
}
