// Pure domain helpers shared by the codec and the application: money, IBAN/BIC, references, SEPA text.
export * from './iban.ts';
export * from './money.ts';
export * from './reference.ts';
export * from './sepa-text.ts';
