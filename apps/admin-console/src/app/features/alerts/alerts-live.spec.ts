import { alert } from '../../../testing/alerts';
import { applyLiveAlert, isAlertView, matchesAlertFilters, newerAlert } from './alerts-live';

describe('newerAlert', () => {
  it('never moves an alert back to an earlier state', () => {
    const resolved = alert('alr_1', { status: 'resolved' });
    const open = alert('alr_1', { status: 'open', count: 9, lastSeenAt: '2026-11-26T11:00:00.000Z' });
    expect(newerAlert(resolved, open)).toBe(resolved);
    expect(newerAlert(open, resolved)).toBe(resolved);
  });

  it('keeps the higher count within a state', () => {
    const bumped = alert('alr_1', { count: 5, lastSeenAt: '2026-11-26T10:05:00.000Z' });
    const raised = alert('alr_1', { count: 1 });
    expect(newerAlert(bumped, raised)).toBe(bumped);
    expect(newerAlert(raised, bumped)).toBe(bumped);
  });
});

describe('applyLiveAlert', () => {
  const rows = [alert('alr_03'), alert('alr_02'), alert('alr_01')];

  it('prepends a new alert on the first page when it matches the filters', () => {
    const { rows: next, overflowed } = applyLiveAlert(rows, alert('alr_04'), {}, true, 20);
    expect(next.map((a) => a.id)).toEqual(['alr_04', 'alr_03', 'alr_02', 'alr_01']);
    expect(overflowed).toBe(false);
  });

  it('keeps the page size and reports the overflow', () => {
    const { rows: next, overflowed } = applyLiveAlert(rows, alert('alr_04'), {}, true, 3);
    expect(next.map((a) => a.id)).toEqual(['alr_04', 'alr_03', 'alr_02']);
    expect(overflowed).toBe(true);
  });

  it('leaves later pages and filtered-out alerts alone', () => {
    expect(applyLiveAlert(rows, alert('alr_04'), {}, false, 20).rows).toEqual(rows);
    expect(
      applyLiveAlert(rows, alert('alr_04', { severity: 'info' }), { severity: 'critical' }, true, 20).rows,
    ).toEqual(rows);
  });

  it('updates a known alert in place, even when it leaves the status filter', () => {
    const acknowledged = alert('alr_02', { status: 'acknowledged', acknowledgedBy: 'sre@x.test' });
    const { rows: next } = applyLiveAlert(rows, acknowledged, { status: 'open' }, true, 20);
    expect(next.map((a) => [a.id, a.status])).toEqual([
      ['alr_03', 'open'],
      ['alr_02', 'acknowledged'],
      ['alr_01', 'open'],
    ]);
  });
});

describe('matchesAlertFilters', () => {
  it('checks status, severity and source', () => {
    const a = alert('alr_1', { severity: 'critical', source: 'workers/monitor' });
    expect(matchesAlertFilters(a, { status: 'open', severity: 'critical', source: 'workers/monitor' })).toBe(true);
    expect(matchesAlertFilters(a, { source: 'other' })).toBe(false);
  });
});

describe('isAlertView', () => {
  it('accepts an alert and rejects anything else', () => {
    expect(isAlertView(alert('alr_1'))).toBe(true);
    expect(isAlertView({ ...alert('alr_1'), status: 'weird' })).toBe(false);
    expect(isAlertView(null)).toBe(false);
  });
});
