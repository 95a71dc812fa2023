// Public surface of the ISO 20022 codec. Other modules import only from here.
export * from './detect.ts';
export * from './errors.ts';
export * from './pain001.ts';
export type * from './types.ts';
