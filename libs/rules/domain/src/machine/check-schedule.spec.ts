import { CheckSchedule, checkSignalOf, isTimeZone, scheduleProblem } from './check-schedule';

const ms = (iso: string) => Date.parse(iso);
const iso = (time: number) => new Date(time).toISOString();

/** The next expected time after `since`, as an ISO string (what the assertions read best as). */
const nextAfter = (schedule: CheckSchedule, since: string) => iso(schedule.expectedAfter(ms(since)));

describe('CheckSchedule', () => {
  describe('every N seconds', () => {
    it('expects the next ping N seconds after the last one, and is down grace seconds later', () => {
      const schedule = new CheckSchedule({ everySeconds: 3600, graceSeconds: 300 });
      const since = ms('2027-01-04T10:15:30.250Z');
      expect(schedule.expectedAfter(since)).toBe(since + 3_600_000);
      expect(schedule.deadlineAfter(since)).toBe(since + 3_600_000 + 300_000);
      expect(schedule.graceMs).toBe(300_000);
    });

    it('has no grace when none is given', () => {
      const schedule = new CheckSchedule({ everySeconds: 60 });
      expect(schedule.graceMs).toBe(0);
      expect(schedule.deadlineAfter(1_000)).toBe(61_000);
    });

    it('counts in wall time across a DST change (seconds are seconds)', () => {
      const schedule = new CheckSchedule({ everySeconds: 86_400, timezone: 'Europe/Berlin' });
      expect(nextAfter(schedule, '2027-03-27T08:00:00.000Z')).toBe('2027-03-28T08:00:00.000Z');
    });
  });

  describe('cron in UTC', () => {
    it('expects the first time of the schedule strictly after the ping', () => {
      const schedule = new CheckSchedule({ schedule: '*/15 * * * *' });
      expect(nextAfter(schedule, '2027-01-04T00:07:00.000Z')).toBe('2027-01-04T00:15:00.000Z');
      // A ping right at a scheduled time was that time's ping: the next is due at the one after.
      expect(nextAfter(schedule, '2027-01-04T00:15:00.000Z')).toBe('2027-01-04T00:30:00.000Z');
      expect(nextAfter(schedule, '2027-01-04T00:14:59.999Z')).toBe('2027-01-04T00:15:00.000Z');
    });

    it('adds the grace to the scheduled time for the deadline', () => {
      const schedule = new CheckSchedule({ schedule: '0 9 * * *', graceSeconds: 600 });
      expect(iso(schedule.deadlineAfter(ms('2027-01-04T09:30:00.000Z')))).toBe('2027-01-05T09:10:00.000Z');
    });

    it('takes @daily as midnight', () => {
      const schedule = new CheckSchedule({ schedule: '@daily' });
      expect(nextAfter(schedule, '2027-01-04T00:07:00.000Z')).toBe('2027-01-05T00:00:00.000Z');
    });

    it('answers the same for the same ping (memoised) and Infinity for a schedule that never comes', () => {
      const schedule = new CheckSchedule({ schedule: '0 9 * * *' });
      const since = ms('2027-01-04T09:30:00.000Z');
      expect(schedule.expectedAfter(since)).toBe(schedule.expectedAfter(since));
      expect(new CheckSchedule({ schedule: '0 0 30 2 *' }).expectedAfter(since)).toBe(Infinity);
    });
  });

  describe('cron in Europe/Berlin (DST 2027: spring forward 28 March 02:00 CET, fall back 31 October 03:00 CEST)', () => {
    const nine = new CheckSchedule({ schedule: '0 9 * * *', timezone: 'Europe/Berlin' });

    it('09:00 is 08:00Z the day before spring-forward and 07:00Z on that day', () => {
      expect(nextAfter(nine, '2027-03-27T00:00:00.000Z')).toBe('2027-03-27T08:00:00.000Z');
      expect(nextAfter(nine, '2027-03-27T08:00:00.000Z')).toBe('2027-03-28T07:00:00.000Z');
      expect(nextAfter(nine, '2027-03-28T07:00:00.000Z')).toBe('2027-03-29T07:00:00.000Z');
    });

    it('09:00 is 07:00Z the day before fall-back and 08:00Z on that day', () => {
      expect(nextAfter(nine, '2027-10-30T06:59:59.999Z')).toBe('2027-10-30T07:00:00.000Z');
      expect(nextAfter(nine, '2027-10-30T07:00:00.000Z')).toBe('2027-10-31T08:00:00.000Z');
    });

    it('02:30 on the spring-forward day does not exist: croner runs it at 03:00 CEST, the end of the gap', () => {
      const early = new CheckSchedule({ schedule: '30 2 * * *', timezone: 'Europe/Berlin' });
      expect(nextAfter(early, '2027-03-27T01:29:00.000Z')).toBe('2027-03-27T01:30:00.000Z'); // 02:30 CET
      // croner 11 (checked): the nonexistent 02:30 is neither skipped nor moved to 03:30; it is due at
      // 01:00Z, the first instant after the clocks jump (03:00 CEST).
      expect(nextAfter(early, '2027-03-27T12:00:00.000Z')).toBe('2027-03-28T01:00:00.000Z');
      expect(nextAfter(early, '2027-03-28T01:00:00.000Z')).toBe('2027-03-29T00:30:00.000Z'); // 02:30 CEST
    });

    it('02:30 on the fall-back day happens twice: croner takes the first (CEST) only', () => {
      const early = new CheckSchedule({ schedule: '30 2 * * *', timezone: 'Europe/Berlin' });
      expect(nextAfter(early, '2027-10-31T00:00:00.000Z')).toBe('2027-10-31T00:30:00.000Z'); // 02:30 CEST
      // croner 11 (checked): the second 02:30 (01:30Z, CET) is not a second due time.
      expect(nextAfter(early, '2027-10-31T00:30:00.000Z')).toBe('2027-11-01T01:30:00.000Z');
      expect(nextAfter(early, '2027-10-31T00:31:00.000Z')).toBe('2027-11-01T01:30:00.000Z');
    });

    it('@daily is local midnight', () => {
      const daily = new CheckSchedule({ schedule: '@daily', timezone: 'Europe/Berlin' });
      expect(nextAfter(daily, '2027-03-27T23:00:00.000Z')).toBe('2027-03-28T22:00:00.000Z');
    });
  });

  describe('cron in America/New_York (DST 2027: spring forward 14 March 02:00 EST, fall back 7 November 02:00 EDT)', () => {
    const nine = new CheckSchedule({ schedule: '0 9 * * *', timezone: 'America/New_York' });

    it('09:00 is 14:00Z before spring-forward and 13:00Z from that day', () => {
      expect(nextAfter(nine, '2027-03-12T15:00:00.000Z')).toBe('2027-03-13T14:00:00.000Z');
      expect(nextAfter(nine, '2027-03-13T14:00:00.000Z')).toBe('2027-03-14T13:00:00.000Z');
    });

    it('09:00 is 13:00Z before fall-back and 14:00Z from that day', () => {
      expect(nextAfter(nine, '2027-11-06T12:00:00.000Z')).toBe('2027-11-06T13:00:00.000Z');
      expect(nextAfter(nine, '2027-11-06T13:00:00.000Z')).toBe('2027-11-07T14:00:00.000Z');
      expect(nextAfter(nine, '2027-11-07T14:00:00.000Z')).toBe('2027-11-08T14:00:00.000Z');
    });

    it('02:30 on the spring-forward day does not exist: croner runs it at 03:00 EDT', () => {
      const early = new CheckSchedule({ schedule: '30 2 * * *', timezone: 'America/New_York' });
      // croner 11 (checked): due at 07:00Z, the first instant after the gap, as in Berlin.
      expect(nextAfter(early, '2027-03-13T12:00:00.000Z')).toBe('2027-03-14T07:00:00.000Z');
      expect(nextAfter(early, '2027-03-14T07:00:00.000Z')).toBe('2027-03-15T06:30:00.000Z'); // 02:30 EDT
    });

    it('01:30 on the fall-back day happens twice: croner takes the first (EDT) only', () => {
      const early = new CheckSchedule({ schedule: '30 1 * * *', timezone: 'America/New_York' });
      expect(nextAfter(early, '2027-11-07T00:00:00.000Z')).toBe('2027-11-07T05:30:00.000Z'); // 01:30 EDT
      // croner 11 (checked): 06:30Z (01:30 EST) is skipped; the next is the following day's 01:30 EST.
      expect(nextAfter(early, '2027-11-07T05:30:00.000Z')).toBe('2027-11-08T06:30:00.000Z');
    });
  });
});

describe('scheduleProblem', () => {
  it('accepts five fields, in UTC or in a zone, and the @ shorthands', () => {
    expect(scheduleProblem('0 9 * * 1-5', undefined)).toBeNull();
    expect(scheduleProblem('0 9 * * MON-FRI', 'Europe/Berlin')).toBeNull();
    expect(scheduleProblem('@daily', undefined)).toBeNull();
    expect(scheduleProblem('  @hourly ', 'America/New_York')).toBeNull();
    expect(scheduleProblem('0 0 29 2 *', undefined)).toBeNull(); // leap days come
  });

  it('refuses six (or seven) fields: seconds are not a check schedule', () => {
    const problem = {
      field: 'schedule',
      message:
        'schedule must be a cron expression of 5 fields (minute hour day month weekday) or @hourly, @daily, @weekly, @monthly, @yearly',
    };
    expect(scheduleProblem('0 0 9 * * *', undefined)).toEqual(problem);
    expect(scheduleProblem('0 0 9 * * * 2027', undefined)).toEqual(problem);
    expect(scheduleProblem('0 9 * *', undefined)).toEqual(problem);
    expect(scheduleProblem('@reboot', undefined)).toEqual(problem);
  });

  it('refuses fields out of range or not cron at all, with croner\'s words', () => {
    expect(scheduleProblem('61 * * * *', undefined)).toEqual({
      field: 'schedule',
      message: 'schedule is not a valid cron expression: CronPattern: Invalid value for minute: 61',
    });
    expect(scheduleProblem('0 25 * * *', undefined)).toEqual({
      field: 'schedule',
      message: 'schedule is not a valid cron expression: CronPattern: Invalid value for hour: 25',
    });
    expect(scheduleProblem('a b c d e', undefined)).toMatchObject({
      field: 'schedule',
      message: expect.stringMatching(/^schedule is not a valid cron expression: /),
    });
  });

  it('refuses a time zone that is not an IANA zone, before looking at the schedule', () => {
    expect(scheduleProblem('0 9 * * *', 'Mars/Olympus_Mons')).toEqual({
      field: 'timezone',
      message: 'timezone Mars/Olympus_Mons is not an IANA time zone (such as Europe/Berlin)',
    });
    expect(scheduleProblem('not cron', '')).toMatchObject({ field: 'timezone' });
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('x'.repeat(65))).toBe(false);
  });

  it('refuses an expression that parses yet never fires', () => {
    expect(scheduleProblem('0 0 30 2 *', undefined)).toEqual({ field: 'schedule', message: 'schedule never fires' });
    expect(scheduleProblem('0 0 31 4 *', 'Europe/Berlin')).toEqual({ field: 'schedule', message: 'schedule never fires' });
  });
});

describe('checkSignalOf', () => {
  it('reads <type>.failed as a failure and <type>.started as a start of the check on <type>', () => {
    expect(checkSignalOf('backup.done.failed')).toEqual({ base: 'backup.done', kind: 'fail' });
    expect(checkSignalOf('backup.done.started')).toEqual({ base: 'backup.done', kind: 'start' });
    expect(checkSignalOf('x.failed.started')).toEqual({ base: 'x.failed', kind: 'start' });
  });

  it('is null for any other type, and for a bare suffix with no base', () => {
    expect(checkSignalOf('backup.done')).toBeNull();
    expect(checkSignalOf('failed')).toBeNull();
    expect(checkSignalOf('.failed')).toBeNull();
    expect(checkSignalOf('.started')).toBeNull();
    expect(checkSignalOf('backup.failedx')).toBeNull();
  });
});
