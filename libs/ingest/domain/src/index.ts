export * from './event-shape';
