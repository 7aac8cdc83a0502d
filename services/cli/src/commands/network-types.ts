/** The API's JSON shapes the CLI reads (the API's /openapi.json is the reference). */
export interface ControllerJson { target: string; connected: boolean; state: string | null; lastError: string | null; since: string }
export interface HostStatusJson {
  host: string; desired: string; observed: string; generation: number;
  appliedGeneration: number | null; lastError: string | null; warnings: string[];
  controllers: ControllerJson[];
}
export interface NetworkJson {
  name: string; uuid: string; networkType: string; hosts: string[]; active: boolean;
  persistent: boolean; autostart: boolean; generation: number; version: number;
  bridge?: string;
  perHost: Record<string, HostStatusJson>;
}
export interface HostOutcomeJson { host: string; outcome: string; generation: number; error?: string; warnings: string[] }
export interface CommandAnswerJson {
  network: string; correlationId: string; version: number | null; generation: number | null;
  hosts: HostOutcomeJson[]; complete: boolean;
}
export interface HostJson {
  name: string; labels: Record<string, string>; registered: boolean; online: boolean; since: string;
  agentVersion: string | null; libvirt?: string; networks: string[];
}
export interface PortJson { interface: string; bridge: string; mac: string | null; vmUuid: string | null; domain: string | null; since: string }
export interface NetworkPortsJson { network: string; hosts: { host: string; ports: PortJson[] }[] }
