/**
 * Training-format constants that go into cache keys and checkpoint fingerprints. No TensorFlow.js
 * here: the train stage's executor reads them when it computes keys, before anything runs.
 */

/**
 * What a packed row means to the model: segments (each example attends to its own tokens only
 * and its positions restart at 0; batches.ts). Part of a packed train stage's cache key
 * (stage.ts `keyParams`) and of its checkpoints' fingerprint (session.ts), so results of the
 * earlier packing (attention across the examples of a row) are never reused or resumed. Other
 * batchings do not carry it: their keys are unchanged. Change the value if packing changes again.
 */
export const PACKING = 'segments';
