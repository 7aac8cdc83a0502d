/** What one agent-group process runs (written by the fleet as a 0600 JSON file). */
export interface AgentGroupSpec {
  group: string;
  natsUrl: string;
  namespace: string;
  heartbeatIntervalMs?: number;
  ovsTimeoutSeconds?: number;
  agents: {
    name: string;
    ovsDb: string;
    /** The host's own NATS login from host-add (no user: a server without auth). */
    nats: { user?: string; password: string; inboxPrefix: string };
  }[];
}
