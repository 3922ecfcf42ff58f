/**
 * Page loads call the same server helpers as the /api routes; their ApiFailures become the
 * page's error (404 page with the helper's message) instead of a 500.
 */
import { error } from '@sveltejs/kit';
import { ApiFailure } from './api-error.ts';

export async function orPageError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof ApiFailure) error(e.status, e.message);
    throw e;
  }
}
