/**
 * One upload from the browser's side: send the file (XHR upload progress), then follow the
 * server's job over SSE (import progress from importDataset's onProgress) until its report
 * arrives. The upload page uses follow() alone to pick up a job that is still running.
 */
import { upload } from '$lib/api/upload';
import { subscribe, type SseSubscription } from '$lib/api/sse';
import { isAbort } from '$lib/api/client';
import type { UploadEvents, UploadOutcome, UploadProgress, UploadSettings, UploadStarted } from '$lib/uploads';

export type UploadPhase = 'idle' | 'uploading' | 'processing' | 'done' | 'error';

export class UploadFlow {
  #phase = $state<UploadPhase>('idle');
  #sent = $state<number | null>(0);
  #progress = $state.raw<UploadProgress | null>(null);
  #outcome = $state.raw<UploadOutcome | null>(null);
  #error = $state.raw<unknown>(null);
  #id = $state<string | null>(null);
  #abort: AbortController | null = null;
  #sub: SseSubscription | null = null;

  readonly #ondone: ((o: UploadOutcome) => void) | undefined;

  constructor(ondone?: (o: UploadOutcome) => void) {
    this.#ondone = ondone;
  }

  get phase() {
    return this.#phase;
  }
  /** Share of the file sent, 0..1 (null while unknown). */
  get sent() {
    return this.#sent;
  }
  get progress() {
    return this.#progress;
  }
  get outcome() {
    return this.#outcome;
  }
  get error() {
    return this.#error;
  }
  get id() {
    return this.#id;
  }
  get busy() {
    return this.#phase === 'uploading' || this.#phase === 'processing';
  }

  async start(file: File, settings: UploadSettings): Promise<void> {
    this.reset();
    this.#phase = 'uploading';
    this.#abort = new AbortController();
    const q = new URLSearchParams({ filename: file.name, mode: settings.mode, skipInvalid: settings.skipInvalid ? '1' : '0' });
    if (settings.name.trim()) q.set('name', settings.name.trim());
    if (settings.format) q.set('format', settings.format);
    if (settings.map) q.set('map', settings.map);
    try {
      const started = await upload<UploadStarted>(`/api/uploads?${q}`, file, {
        signal: this.#abort.signal,
        headers: { 'content-type': 'application/octet-stream' },
        onProgress: (f) => (this.#sent = f)
      });
      this.#sent = 1;
      this.follow(started.id);
    } catch (e) {
      if (isAbort(e)) this.reset();
      else this.#fail(e);
    }
  }

  /** Follows the job `id` until it reports. */
  follow(id: string): void {
    this.#sub?.close();
    this.#id = id;
    this.#phase = 'processing';
    this.#sub = subscribe<UploadEvents>(`/api/uploads/${encodeURIComponent(id)}/events`, {
      progress: (p) => (this.#progress = p),
      done: (o) => {
        this.#outcome = o;
        this.#phase = 'done';
        this.#ondone?.(o);
      },
      failed: (f) => this.#fail(new Error(f.message))
    }, { onError: (m) => this.#fail(new Error(m)), maxRetries: 8 });
  }

  #fail(e: unknown) {
    this.#error = e;
    this.#phase = 'error';
    this.#sub?.close();
  }

  /** Stops sending (a job already on the server runs to its end). */
  cancel(): void {
    this.#abort?.abort();
    this.#sub?.close();
  }

  reset(): void {
    this.cancel();
    this.#phase = 'idle';
    this.#sent = 0;
    this.#progress = null;
    this.#outcome = null;
    this.#error = null;
    this.#id = null;
  }
}
