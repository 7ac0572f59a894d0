// The case setting that remembers where a case's flows live (no password, ever): its own module
// so that readers of the case (country/AS, address context) can tell a server case without
// loading the ClickHouse client.
export const FLOW_STORE_SETTING = 'flow_store';

export interface FlowStoreSetting {
  url: string;
  mapping: string | null;
  /** The environment variable the password is read from (its name only), when one was named. */
  passwordEnv?: string;
}
