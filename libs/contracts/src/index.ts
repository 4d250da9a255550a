export * from './namespace';
export * from './subjects';
export * from './streams';
export * from './envelope';
export * from './messages';
export * from './headers';
export * from './secret-token';
