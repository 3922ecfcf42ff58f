/**
 * The engine version. It is part of every stage cache key, so bump it whenever a change alters
 * what any stage writes (import canonicalisation, operator SQL, training numerics).
 */
export const ENGINE_VERSION = '0.1.0';
