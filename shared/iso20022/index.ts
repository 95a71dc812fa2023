// Public surface of the ISO 20022 codec. Other modules import only from here.

export * from './camt.ts';
export * from './camt-build.ts';
export * from './camt052-build.ts';
export * from './camt060.ts';
export * from './detect.ts';
export * from './errors.ts';
export * from './pain001.ts';
export * from './pain002.ts';
export * from './reason-codes.ts';
export type * from './types.ts';
