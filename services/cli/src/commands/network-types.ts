/** The API's JSON shapes the CLI reads (the API's OpenAPI document is the reference). */
export interface HostStatusJson {
  host: string; desired: string; observed: string; generation: number;
  appliedGeneration: number | null; lastError: string | null; warnings: string[];
}
export interface NetworkJson {
  name: string; uuid: string; networkType: string; hosts: string[]; active: boolean;
  persistent: boolean; autostart: boolean; generation: number; version: number;
  perHost: Record<string, HostStatusJson>;
}
export interface HostOutcomeJson { host: string; outcome: string; generation: number; error?: string; warnings: string[] }
export interface CommandAnswerJson {
  network: string; correlationId: string; version: number | null; generation: number | null;
  hosts: HostOutcomeJson[]; complete: boolean;
}
