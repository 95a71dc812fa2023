// The local Notifier: appends every notification to .local/notifications.jsonl and prints it.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Notifier, RenderedNotification } from '../../shared/app/notifications.ts';

export class OutboxNotifier implements Notifier {
  readonly #file: string | undefined;
  readonly #print: (line: string) => void;
  readonly sent: RenderedNotification[] = [];

  constructor(options: { file?: string; print?: (line: string) => void } = {}) {
    this.#file = options.file;
    this.#print = options.print ?? ((line) => console.log(line));
  }

  async publish(notification: RenderedNotification): Promise<void> {
    this.sent.push(notification);
    if (this.#file) {
      await mkdir(dirname(this.#file), { recursive: true });
      await appendFile(this.#file, `${JSON.stringify({ at: new Date().toISOString(), ...notification })}\n`);
    }
    this.#print(`[notification ${notification.severity}] ${notification.subject} | SMS: ${notification.sms}`);
  }
}
