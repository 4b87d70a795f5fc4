// Types of demo-server.mjs for the TypeScript tests that start it.
export type DemoPorts = Record<'rest' | 'oauth' | 'graphql' | 'pricing' | 'consul' | 'websocket', number>;
export const DEFAULT_PORTS: DemoPorts;
export function startDemoServers(options?: { ports?: Partial<DemoPorts>; quiet?: boolean }): Promise<{
  ports: DemoPorts;
  /** Slack webhook messages received, in order. */
  slack: Record<string, unknown>[];
  close(): Promise<void>;
}>;
