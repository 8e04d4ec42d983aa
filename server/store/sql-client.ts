/** The little each driver must provide so that both run the same SQL. */
export interface SqlClient {
  query<T = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs a multi-statement script (migrations) without parameters. */
  exec(script: string): Promise<void>;
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The embedded driver's whole data folder, consistent, as a gzipped tarball; real servers have pg_dump. */
  snapshot?(): Promise<Blob>;
}

export interface QueryOptions {
  /**
   * Plan the statement for its parameters' values at every call. A prepared statement on a real
   * server is planned for any values after five calls, which for a search is a plan that walks every
   * message when a word is rare. The embedded driver plans every statement at every call anyway.
   */
  planEachCall?: boolean;
}
