// Structured logging for every function. Log lines never carry XML bodies, keys or full IBANs.
import { Logger } from '@aws-lambda-powertools/logger';

const ibanPattern = /\b([A-Z]{2}\d{2})([A-Z0-9]{4,26})([A-Z0-9]{4})\b/g;

/** Replaces the middle of every IBAN-looking token, keeping country, check digits and last four. */
export function maskIbans(text: string): string {
  return text.replace(ibanPattern, (_match, head: string, middle: string, tail: string) => {
    return `${head}${'*'.repeat(middle.length)}${tail}`;
  });
}

export function createLogger(serviceName: string, logLevel = 'INFO'): Logger {
  return new Logger({ serviceName, logLevel: logLevel as 'INFO' });
}
