import { describe, expect, it } from 'vitest';
import type { CloudEventV1 } from '@netfleet/events/cloud-event';
import { webhookMatches } from './webhook-filter';

const ce = (netfleettype: string, type: string, streamid: string, data: object) => ({ netfleettype, type, streamid, data }) as CloudEventV1;
const started = ce('NetworkStarted', 'io.netfleet.network.started', 'network:ofnet', { name: 'ofnet', hosts: ['hv1'] });
const failedOnHost = ce('NetworkFailedOnHost', 'io.netfleet.host.network_failed', 'host:hv2', { host: 'hv2', network: 'ofnet' });
const offline = ce('HostWentOffline', 'io.netfleet.host.went_offline', 'host:hv3', { host: 'hv3' });
const none = { types: [], networks: [], hosts: [] };

describe('webhookMatches', () => {
  it('matches everything without filters', () => {
    for (const e of [started, failedOnHost, offline]) expect(webhookMatches(none, e)).toBe(true);
  });

  it('matches types by netfleet or CloudEvents name', () => {
    expect(webhookMatches({ ...none, types: ['NetworkStarted'] }, started)).toBe(true);
    expect(webhookMatches({ ...none, types: ['io.netfleet.network.started'] }, started)).toBe(true);
    expect(webhookMatches({ ...none, types: ['NetworkStarted'] }, offline)).toBe(false);
  });

  it('matches networks on their own stream and in hosts\' reports, hosts likewise', () => {
    expect(webhookMatches({ ...none, networks: ['ofnet'] }, started)).toBe(true);
    expect(webhookMatches({ ...none, networks: ['ofnet'] }, failedOnHost)).toBe(true);
    expect(webhookMatches({ ...none, networks: ['ofnet'] }, offline)).toBe(false);
    expect(webhookMatches({ ...none, networks: ['other'] }, started)).toBe(false);
    expect(webhookMatches({ ...none, hosts: ['hv2'] }, failedOnHost)).toBe(true);
    expect(webhookMatches({ ...none, hosts: ['hv2'] }, offline)).toBe(false);
  });

  it('needs every filter given to match', () => {
    expect(webhookMatches({ types: ['NetworkFailedOnHost'], networks: ['ofnet'], hosts: ['hv2'] }, failedOnHost)).toBe(true);
    expect(webhookMatches({ types: ['NetworkFailedOnHost'], networks: ['ofnet'], hosts: ['hv1'] }, failedOnHost)).toBe(false);
  });
});
