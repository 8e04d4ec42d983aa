/** The little each driver must provide so that both run the same SQL. */
export interface SqlClient {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script (migrations) without parameters. */
  exec(script: string): Promise<void>;
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The embedded driver's whole data folder, consistent, as a gzipped tarball; real servers have pg_dump. */
  snapshot?(): Promise<Blob>;
}
