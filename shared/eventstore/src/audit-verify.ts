import {
  GENESIS_HASH, auditCheckpointsAfter, eventDigestsAfter, chainHash, chainHead, chainLinksAfter, eventsAfter,
  latestAuditCheckpoint, type AuditCheckpoint, type ChainedEvent,
} from './audit-chain';
import type { Database } from './database';

/** What a checkpoint's signature check found: `unknown-key` when no trusted key has its id. */
export type SignatureCheck = 'valid' | 'invalid' | 'unknown-key';

export interface AuditProblem {
  /** altered: the row differs from what was sealed; removed: a sealed event is gone; inserted: a row nobody sealed; checkpoint: a signed head that does not hold. */
  kind: 'altered' | 'removed' | 'inserted' | 'checkpoint';
  position: number;
  eventId: string | null;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Verified from just after this position (0: the start; else a checkpoint whose signature held). */
  from: number;
  /** The last sealed position: the chain is checked up to here. */
  head: number;
  checkedEvents: number;
  /** Events after the head, not sealed yet (the sealer chains them within seconds). */
  unsealedEvents: number;
  checkpoints: { checked: number; valid: number; latest: { position: number; signedAt: string; keyId: string } | null };
  /** The first problems in position order (at most MAX_PROBLEMS); `problems[0]` is the first. */
  problems: AuditProblem[];
  truncated: boolean;
}

const MAX_PROBLEMS = 100;

/**
 * Recomputes the audit chain from the store and compares it with the sealed links and the signed
 * checkpoints, naming every event that was altered, removed or inserted behind netfleet's back.
 * Each link is checked against the stored hash of the one before it, so one altered event is one
 * problem, not one per event after it; the checkpoints are checked against the chain recomputed
 * from the start point alone, which catches a chain rewritten to match an altered event. Reads in
 * keyset pages (constant memory). `since`: start at the last checkpoint before that position whose
 * signature holds.
 */
export async function verifyAuditChain(db: Database, options: { since?: number; checkSignature: (c: AuditCheckpoint) => SignatureCheck }): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let truncated = false;
  const report = (p: AuditProblem) => { if (problems.length < MAX_PROBLEMS) problems.push(p); else truncated = true; };

  const start = options.since !== undefined ? await latestAuditCheckpoint(db, { before: options.since }) : null;
  const from = start && options.checkSignature(start) === 'valid' ? start : null;
  const fromPosition = from?.position ?? 0;
  // The last checkpoint before the head: the sealer links events before it signs them, so in an
  // untouched store the head read second is never below it (a checkpoint signed meanwhile is
  // left for the next run, not mistaken for a removed tail).
  const lastSigned = (await latestAuditCheckpoint(db))?.position ?? 0;
  const head = (await chainHead(db))?.position ?? 0;

  let linked = from?.hash ?? GENESIS_HASH; // the stored hash of the last link seen
  let recomputed = from?.hash ?? GENESIS_HASH; // the chain as recomputed from the start alone
  let lastLink = fromPosition;
  let checkedEvents = 0;
  const checkpoints = { checked: 0, valid: 0, latest: null as AuditVerification['checkpoints']['latest'] };

  const checkCheckpoint = (c: AuditCheckpoint) => {
    checkpoints.checked++;
    checkpoints.latest = { position: c.position, signedAt: c.signedAt.toISOString(), keyId: c.keyId };
    const signature = options.checkSignature(c);
    if (signature !== 'valid') {
      report({ kind: 'checkpoint', position: c.position, eventId: null, message: signature === 'unknown-key'
        ? `the checkpoint at position ${c.position} is signed by key ${c.keyId}, which this API does not know: give the API instances one key file`
        : `the checkpoint at position ${c.position} has a signature that does not hold: it was forged or altered` });
      return;
    }
    if (c.position > head) {
      report({ kind: 'removed', position: c.position, eventId: null, message: `the chain ends at position ${head}, but a checkpoint signed ${c.signedAt.toISOString()} covers up to ${c.position}: the events after ${head} were removed with their links` });
    } else if (!c.hash.equals(recomputed)) {
      report({ kind: 'checkpoint', position: c.position, eventId: null, message: `the chain recomputed up to position ${c.position} does not match the checkpoint signed ${c.signedAt.toISOString()}: an event at or before it was changed and the chain rewritten to match` });
    } else {
      checkpoints.valid++;
    }
  };

  const events = eventDigestsAfter(db, fromPosition, head)[Symbol.asyncIterator]();
  const links = chainLinksAfter(db, fromPosition, head)[Symbol.asyncIterator]();
  const signed = auditCheckpointsAfter(db, fromPosition, lastSigned)[Symbol.asyncIterator]();
  let event = await events.next();
  let link = await links.next();
  let checkpoint = await signed.next();
  while (!event.done || !link.done) {
    const position = Math.min(event.done ? Infinity : event.value.position, link.done ? Infinity : link.value.position);
    const e: ChainedEvent | undefined = !event.done && event.value.position === position ? event.value : undefined;
    const l = !link.done && link.value.position === position ? link.value : undefined;
    // Named before the checkpoints it breaks: the removal is the cause, their mismatch the effect.
    if (l && l.prevPosition !== lastLink) {
      report({ kind: 'removed', position: l.prevPosition, eventId: null, message: `the event at position ${l.prevPosition} (chained before ${position}) was removed, with its link` });
    }
    while (!checkpoint.done && checkpoint.value.position < position) { checkCheckpoint(checkpoint.value); checkpoint = await signed.next(); }
    if (e && l) {
      checkedEvents++;
      if (e.eventId !== l.eventId || !chainHash(linked, e).equals(l.hash)) {
        report({ kind: 'altered', position, eventId: e.eventId, message: `event ${e.eventId} at position ${position} (${e.type} on ${e.streamId}) was altered after it was sealed` });
      }
      recomputed = chainHash(recomputed, e);
    } else if (l) {
      report({ kind: 'removed', position, eventId: l.eventId, message: `event ${l.eventId} at position ${position} was removed` });
      recomputed = l.hash;
    } else if (e) {
      report({ kind: 'inserted', position, eventId: e.eventId, message: `event ${e.eventId} at position ${position} (${e.type} on ${e.streamId}) was inserted behind netfleet's back: it is not in the chain` });
    }
    if (l) { linked = l.hash; lastLink = position; }
    if (e) event = await events.next();
    if (l) link = await links.next();
  }
  while (!checkpoint.done) { checkCheckpoint(checkpoint.value); checkpoint = await signed.next(); }
  return { ok: problems.length === 0, from: fromPosition, head, checkedEvents, unsealedEvents: await eventsAfter(db, head), checkpoints, problems, truncated };
}
