import type { RecordedEvent } from '@netfleet/events/event-envelope';
import type { CloudEventV1 } from '@netfleet/events/cloud-event';
import { HostEventType } from '@netfleet/events/host-events';
import { toHistoryEntry, type HistoryEntry } from '@netfleet/fleet/history-entry';
import { outcomeOfReport, type HostOutcome, type HostReport } from '@netfleet/fleet/host-outcomes';

/** One line of the audit trail: who, when, what, why, the XML diff, and a host's outcome. */
export interface AuditRecord extends HistoryEntry {
  /** For a host's report on a network: what it did (running, stopped, failed) at which generation. */
  outcome: HostOutcome | null;
}

const REPORT_TYPES: ReadonlySet<string> = new Set([HostEventType.NetworkStartedOnHost, HostEventType.NetworkStoppedOnHost, HostEventType.NetworkFailedOnHost]);

export function toAuditRecord(event: RecordedEvent): AuditRecord {
  const entry = toHistoryEntry(event);
  if (!REPORT_TYPES.has(event.type)) return { ...entry, outcome: null };
  const data = event.data as { host: string; generation: number; warnings?: string[]; error?: string };
  const report: HostReport = { type: event.type as HostReport['type'], host: data.host, generation: data.generation, warnings: data.warnings ?? [], ...(data.error ? { error: data.error } : {}) };
  return { ...entry, outcome: outcomeOfReport(report) };
}

/**
 * A jsonl line: the event's CloudEvents envelope (data and dataschema unchanged, so it validates
 * like any other netfleet CloudEvent) with the audit fields as extension attributes, which
 * CloudEvents keeps to scalars: comment, summary, xmldiff, hostoutcome, outcomegeneration,
 * outcomeerror (each only when it has a value).
 */
export type AuditCloudEvent = CloudEventV1 & { summary: string; comment?: string; xmldiff?: string; hostoutcome?: string; outcomegeneration?: number; outcomeerror?: string };

/** `envelope`: the event as it leaves netfleet everywhere else (upcast, with the API's dataschema URI). */
export function toAuditCloudEvent(event: RecordedEvent, envelope: CloudEventV1): AuditCloudEvent {
  const record = toAuditRecord(event);
  return {
    ...envelope,
    summary: record.summary,
    ...(record.comment !== null ? { comment: record.comment } : {}),
    ...(record.diff !== null ? { xmldiff: record.diff } : {}),
    ...(record.outcome ? { hostoutcome: record.outcome.outcome, outcomegeneration: record.outcome.generation } : {}),
    ...(record.outcome?.error !== undefined ? { outcomeerror: record.outcome.error } : {}),
  };
}

export const CSV_COLUMNS = ['position', 'recorded_at', 'occurred_at', 'actor', 'source', 'stream', 'type', 'network', 'host',
  'correlation_id', 'causation_id', 'comment', 'summary', 'outcome', 'outcome_generation', 'outcome_error', 'xml_diff'] as const;

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
export const csvField = (value: string | number | null): string => {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function toCsvRow(event: RecordedEvent): string {
  const r = toAuditRecord(event);
  return [r.position, r.recordedAt, r.at, r.actor, r.source, r.stream, r.type, r.network, r.host, r.correlationId, r.causationId,
    r.comment, r.summary, r.outcome?.outcome ?? null, r.outcome?.generation ?? null, r.outcome?.error ?? null, r.diff]
    .map(csvField).join(',');
}
