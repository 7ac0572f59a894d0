import { describe, expect, it } from 'vitest';
import type { Alert, Incident } from '../../../../shared/model';
import { drills, EMPTY_SELECTION, flowQuery } from './selection';

const incident = {
  id: 3,
  evidence: { srcIps: ['10.0.0.5'], from: '2017-01-27T16:00:00Z', to: '2017-01-27T17:00:00Z' },
} as unknown as Incident;
const alert = {
  id: 41,
  evidence: { srcIps: ['10.0.0.5'], dstPorts: [22], anyOf: [{ dstIps: ['10.0.0.9'] }] },
} as unknown as Alert;

describe('the selection as a flow query', () => {
  it("drills to the alert's own evidence, not the incident's", () => {
    expect(flowQuery({ ...EMPTY_SELECTION, incident }).selector).toEqual(incident.evidence);
    expect(flowQuery({ ...EMPTY_SELECTION, incident, alert }).selector).toEqual(alert.evidence);
  });

  it('ANDs a chart drill with the evidence (the evidence as its one anyOf branch)', () => {
    const q = flowQuery({
      ...EMPTY_SELECTION,
      incident,
      alert,
      drill: drills.host('10.0.0.9'),
      range: { from: 'a', to: 'b' },
      filter: ' proto tcp ',
    });
    expect(q).toEqual({
      selector: { anyIps: ['10.0.0.9'], anyOf: [alert.evidence] },
      range: { from: 'a', to: 'b' },
      filter: 'proto tcp',
    });
    expect(flowQuery({ ...EMPTY_SELECTION, drill: drills.port('udp', 53) }).selector).toEqual({
      protos: ['udp'],
      dstPorts: [53],
    });
    expect(flowQuery(EMPTY_SELECTION)).toEqual({});
  });
});
