// zod parsing that turns failures into the project's ValidationError with field paths.
import type { z } from 'zod';
import { ValidationError } from './errors.ts';

export function parseInput<Schema extends z.ZodType>(
  value: unknown,
  schema: Schema,
  message: string,
): z.infer<Schema> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(
      message,
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  return parsed.data;
}
