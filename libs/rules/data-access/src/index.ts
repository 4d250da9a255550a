import { CreateAlertState1764230400201 } from './migrations/1764230400201-create-alert-state';
import { CreateAbsenceState1764230400202 } from './migrations/1764230400202-create-absence-state';
import { CreateProposal1764230400203 } from './migrations/1764230400203-create-proposal';
import { AlertLifecycle1764230400204 } from './migrations/1764230400204-alert-lifecycle';
import { Silences1764230400205 } from './migrations/1764230400205-silences';
import { HeartbeatChecks1764230400206 } from './migrations/1764230400206-heartbeat-checks';

export * from './alert-state';
export * from './checks';
export * from './proposals';
export * from './silences';

/** The rules schema's migrations, in order. */
export const RULES_MIGRATIONS = [
  CreateAlertState1764230400201,
  CreateAbsenceState1764230400202,
  CreateProposal1764230400203,
  AlertLifecycle1764230400204,
  Silences1764230400205,
  HeartbeatChecks1764230400206,
];
