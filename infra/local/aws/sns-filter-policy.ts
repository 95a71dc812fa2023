// SNS subscription filter policies, evaluated the way SNS does on Publish. Supported: exact string and
// numeric values, prefix, suffix, equals-ignore-case, anything-but (values or prefix), exists, numeric
// ranges, $or, both scopes (MessageAttributes, MessageBody with nested keys). Not supported: cidr.
import type { SnsMessageAttribute } from './types.ts';

type Condition = string | number | boolean | null | Record<string, unknown>;
export type FilterPolicy = Record<string, unknown>;

/** Throws with SNS's kind of message when the policy is not a valid filter policy. */
export function parseFilterPolicy(json: string): FilterPolicy {
  let policy: unknown;
  try {
    policy = JSON.parse(json);
  } catch {
    throw new Error('FilterPolicy: failed to parse JSON.');
  }
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) {
    throw new Error('FilterPolicy: Filter policy must be a JSON object');
  }
  validate(policy as FilterPolicy);
  return policy as FilterPolicy;
}

function validate(policy: FilterPolicy): void {
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or') {
      if (!Array.isArray(value)) throw new Error('FilterPolicy: $or must be an array of policies');
      for (const branch of value) validate(branch as FilterPolicy);
    } else if (Array.isArray(value)) {
      for (const condition of value) {
        if (condition !== null && typeof condition === 'object') {
          const operator = Object.keys(condition)[0] ?? '';
          if (
            !['prefix', 'suffix', 'anything-but', 'exists', 'numeric', 'equals-ignore-case'].includes(
              operator,
            )
          ) {
            throw new Error(`FilterPolicy: Unrecognized match type ${operator}`);
          }
        }
      }
    } else if (value !== null && typeof value === 'object') {
      validate(value as FilterPolicy);
    } else {
      throw new Error(`FilterPolicy: "${key}" must be an object or an array`);
    }
  }
}

/** A value to match: strings and numbers as SNS sees them; undefined when the key is absent. */
type Present = { kind: 'string'; value: string } | { kind: 'number'; value: number };

function matchesCondition(condition: Condition, values: Present[]): boolean {
  if (condition !== null && typeof condition === 'object') {
    const [operator, operand] = Object.entries(condition)[0] ?? [];
    if (operator === 'exists') return operand === true ? values.length > 0 : values.length === 0;
    if (values.length === 0) return false;
    return values.some((value) => matchesOperator(String(operator), operand, value));
  }
  return values.some((value) =>
    typeof condition === 'number'
      ? value.kind === 'number' && value.value === condition
      : value.kind === 'string' && value.value === condition,
  );
}

function matchesOperator(operator: string, operand: unknown, value: Present): boolean {
  switch (operator) {
    case 'prefix':
      return value.kind === 'string' && value.value.startsWith(String(operand));
    case 'suffix':
      return value.kind === 'string' && value.value.endsWith(String(operand));
    case 'equals-ignore-case':
      return value.kind === 'string' && value.value.toLowerCase() === String(operand).toLowerCase();
    case 'anything-but': {
      if (operand !== null && typeof operand === 'object' && !Array.isArray(operand)) {
        const prefix = (operand as { prefix?: string }).prefix;
        return prefix !== undefined && !(value.kind === 'string' && value.value.startsWith(prefix));
      }
      const excluded = Array.isArray(operand) ? operand : [operand];
      return !excluded.some(
        (item) =>
          (typeof item === 'number' ? value.kind === 'number' : value.kind === 'string') &&
          item === value.value,
      );
    }
    case 'numeric': {
      if (value.kind !== 'number' || !Array.isArray(operand)) return false;
      for (let i = 0; i + 1 < operand.length; i += 2) {
        const bound = Number(operand[i + 1]);
        const ok = {
          '=': value.value === bound,
          '<': value.value < bound,
          '<=': value.value <= bound,
          '>': value.value > bound,
          '>=': value.value >= bound,
        }[String(operand[i])];
        if (!ok) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function matchesPolicy(policy: FilterPolicy, lookup: (key: string) => Present[] | FilterSource): boolean {
  return Object.entries(policy).every(([key, rule]) => {
    if (key === '$or') {
      return (rule as FilterPolicy[]).some((branch) => matchesPolicy(branch, lookup));
    }
    const found = lookup(key);
    if (Array.isArray(rule)) {
      const values = Array.isArray(found) ? found : [];
      return rule.some((condition) => matchesCondition(condition as Condition, values));
    }
    // Nested policy (MessageBody scope): descend into the object under this key.
    return !Array.isArray(found) && matchesPolicy(rule as FilterPolicy, found.child);
  });
}

interface FilterSource {
  child: (key: string) => Present[] | FilterSource;
}

/** Values of one message attribute: String.Array yields each element; Binary never matches. */
function attributeValues(attribute: SnsMessageAttribute | undefined): Present[] {
  if (!attribute || attribute.StringValue === undefined) return [];
  const type = attribute.DataType.split('.')[0];
  if (attribute.DataType.startsWith('String.Array')) {
    try {
      const items = JSON.parse(attribute.StringValue) as unknown[];
      return Array.isArray(items) ? items.flatMap(jsonValues) : [];
    } catch {
      return [];
    }
  }
  if (type === 'Number') return [{ kind: 'number', value: Number(attribute.StringValue) }];
  if (type === 'String') return [{ kind: 'string', value: attribute.StringValue }];
  return [];
}

function jsonValues(value: unknown): Present[] {
  if (typeof value === 'string') return [{ kind: 'string', value }];
  if (typeof value === 'number') return [{ kind: 'number', value }];
  if (Array.isArray(value)) return value.flatMap(jsonValues);
  return [];
}

function bodySource(node: unknown): FilterSource {
  return {
    child(key) {
      const value =
        node !== null && typeof node === 'object' && !Array.isArray(node)
          ? (node as Record<string, unknown>)[key]
          : undefined;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return bodySource(value);
      return value === undefined ? [] : jsonValues(value);
    },
  };
}

export function matchesFilterPolicy(
  policy: FilterPolicy,
  scope: string | undefined,
  message: { attributes: Record<string, SnsMessageAttribute>; body: string },
): boolean {
  if (scope === 'MessageBody') {
    let body: unknown;
    try {
      body = JSON.parse(message.body);
    } catch {
      return false;
    }
    return matchesPolicy(policy, bodySource(body).child);
  }
  return matchesPolicy(policy, (key) => attributeValues(message.attributes[key]));
}
