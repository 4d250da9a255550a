export * from './payload-conditions';
export * from './condition-problems';
