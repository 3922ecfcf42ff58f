/**
 * Shapes shared by the /api endpoints (src/routes/api/**) and the browser client. Keep this file
 * free of server and browser imports: both sides import it.
 */

/** Every /api error body. `code` is stable and machine-readable; `message` is for people. */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    /** Where and why, when there is more to say: a field, a line and column, a list of findings. */
    details?: unknown;
  };
}

/** GET /api/health */
export interface HealthInfo {
  name: 'tunebench';
  version: string;
  engine_version: string;
  node: string;
  workspace: string;
  /** Engines installed in this process. A package can be installed and still fail to load on this machine. */
  backends: {
    duckdb: boolean;
    tfjs: { tensorflow: boolean; wasm: boolean; cpu: boolean };
  };
}
