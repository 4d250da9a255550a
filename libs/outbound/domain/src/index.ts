export * from './signing';
export * from './retry-schedule';
export * from './address-guard';
export * from './secret-box';
export * from './triggers';
export * from './body-template';
export * from './delivery-ids';
export * from './reseal-plan';
