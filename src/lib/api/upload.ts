/**
 * Uploads with progress. fetch() cannot report upload progress, so this one call uses
 * XMLHttpRequest; its failures are the same ApiError as the client's.
 *
 *   const info = await upload<ImportReport>('/api/datasets', form, { onProgress: (f) => (progress = f) });
 */
import { ApiError, toApiError } from './client.ts';

export interface UploadOptions {
  method?: 'POST' | 'PUT';
  /** Fraction sent, 0..1; null while the size is unknown. */
  onProgress?: (fraction: number | null, loaded: number) => void;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export function upload<T>(url: string, body: FormData | Blob, opts: UploadOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(opts.method ?? 'POST', url);
    xhr.setRequestHeader('accept', 'application/json');
    for (const [k, v] of Object.entries(opts.headers ?? {})) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => opts.onProgress?.(e.lengthComputable ? e.loaded / e.total : null, e.loaded);
    xhr.onload = () => {
      let parsed: unknown = xhr.responseText;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        // not JSON: keep the text for the error message
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T);
      else reject(toApiError(xhr.status, parsed, url, xhr.statusText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', `Could not reach the tunebench server (upload to ${url})`, undefined, url));
    xhr.onabort = () => reject(new DOMException('upload aborted', 'AbortError'));
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}
