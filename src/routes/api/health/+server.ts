import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { health } from '$lib/server/health';

export const GET = apiHandler(async () => json(await health(), { headers: { 'cache-control': 'no-store' } }));
