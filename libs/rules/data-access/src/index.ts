import { CreateAlertState1764230400201 } from './migrations/1764230400201-create-alert-state';

export * from './alert-state';

/** The rules schema's migrations, in order. */
export const RULES_MIGRATIONS = [CreateAlertState1764230400201];
