import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The workbench opens on the datasets: where every piece of work starts. */
export const load: PageServerLoad = () => redirect(307, '/datasets');
