// Public surface of the statements capability: the daily request use case, the camt.053/camt.054 processors
// for the bank message collector, and the ports their composition roots fill in.
export * from './camt-entries.ts';
export * from './daily-statement-requests.ts';
export * from './payment-bookings.ts';
export * from './ports.ts';
export * from './statement-processors.ts';
