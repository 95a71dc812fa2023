// Simulated-time task list: work the bank does later (status messages, executions, statements) is scheduled
// at an instant of the simulator clock and runs when the clock reaches it.

interface Task {
  at: number;
  sequence: number;
  label: string;
  run: () => void;
}

export class Scheduler {
  #tasks: Task[] = [];
  #sequence = 0;

  schedule(at: Date | number, label: string, run: () => void): void {
    const time = typeof at === 'number' ? at : at.getTime();
    this.#sequence += 1;
    const task = { at: time, sequence: this.#sequence, label, run };
    // Binary insertion keeps the list sorted by (time, sequence).
    let low = 0;
    let high = this.#tasks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.#tasks[middle] as Task;
      if (other.at < time || (other.at === time && other.sequence < task.sequence)) low = middle + 1;
      else high = middle;
    }
    this.#tasks.splice(low, 0, task);
  }

  /** Runs every task due at `now` (including tasks they schedule for now or earlier). Returns how many ran. */
  runDue(now: Date): number {
    let ran = 0;
    const limit = now.getTime();
    while (this.#tasks.length > 0 && (this.#tasks[0] as Task).at <= limit) {
      const task = this.#tasks.shift() as Task;
      task.run();
      ran += 1;
    }
    return ran;
  }

  /** Instant of the next task, if any. */
  nextAt(): number | undefined {
    return this.#tasks[0]?.at;
  }

  pending(): { at: string; label: string }[] {
    return this.#tasks.map((task) => ({ at: new Date(task.at).toISOString(), label: task.label }));
  }

  get size(): number {
    return this.#tasks.length;
  }
}
