import { DomainError } from './domain-error';
import { IllegalTransitionError, StateMachine } from './state-machine';

type Light = 'off' | 'warming' | 'on' | 'broken';
type Switch = 'press' | 'ready' | 'smash';

const lamp = new StateMachine<Light, Switch>('lamp', {
  off: { press: 'warming', smash: 'broken' },
  warming: { ready: 'on', smash: 'broken' },
  on: { smash: 'broken' },
  broken: {},
});

describe('StateMachine', () => {
  it('follows the table', () => {
    expect(lamp.apply('off', 'press')).toEqual({ status: 'warming', changed: true });
    expect(lamp.apply('warming', 'ready')).toEqual({ status: 'on', changed: true });
  });

  it('treats the event that produced the current status as a repeat', () => {
    expect(lamp.apply('warming', 'press')).toEqual({ status: 'warming', changed: false, reason: 'repeated' });
    expect(lamp.apply('broken', 'smash')).toEqual({ status: 'broken', changed: false, reason: 'repeated' });
  });

  it('treats an event whose status was already passed as superseded, never moving back', () => {
    expect(lamp.apply('on', 'press')).toEqual({ status: 'on', changed: false, reason: 'superseded' });
  });

  it('throws a typed error carrying the machine, status and event otherwise', () => {
    let caught: unknown;
    try {
      lamp.apply('off', 'ready');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IllegalTransitionError);
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ machine: 'lamp', from: 'off', event: 'ready', code: 'illegal_transition' });
    expect((caught as Error).name).toBe('IllegalTransitionError');
    expect((caught as Error).message).toBe('lamp cannot take event "ready" in status "off"');
    expect(lamp.accepts('off', 'ready')).toBe(false);
    expect(lamp.accepts('on', 'press')).toBe(true);
  });

  it('derives reachability and terminal statuses from the table', () => {
    expect([...lamp.reachableFrom('warming')].sort()).toEqual(['broken', 'on', 'warming']);
    expect(lamp.isTerminal('broken')).toBe(true);
    expect(lamp.isTerminal('on')).toBe(false);
    expect(lamp.eventsFrom('off').sort()).toEqual(['press', 'smash']);
    expect([...lamp.targetsOf('smash')]).toEqual(['broken']);
  });
});
