// @peculiar/x509 uses tsyringe, which insists on a `Reflect.getMetadata` polyfill (normally the
// `reflect-metadata` package). This is the small subset it calls, so we avoid an extra dependency.
// Imported for its side effect, before @peculiar/x509.
type MetadataTarget = object;
const store = new WeakMap<MetadataTarget, Map<string | symbol | undefined, Map<unknown, unknown>>>();

function table(target: MetadataTarget, property: string | symbol | undefined, create: boolean) {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (!entries && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  const getOwnMetadata = (key: unknown, target: MetadataTarget, property?: string | symbol) =>
    table(target, property, false)?.get(key);
  const getMetadata = (key: unknown, target: MetadataTarget, property?: string | symbol): unknown => {
    for (let current: MetadataTarget | null = target; current; current = Object.getPrototypeOf(current)) {
      const value = table(current, property, false);
      if (value?.has(key)) return value.get(key);
    }
    return undefined;
  };
  const defineMetadata = (
    key: unknown,
    value: unknown,
    target: MetadataTarget,
    property?: string | symbol,
  ) => {
    table(target, property, true)?.set(key, value);
  };
  reflect.getOwnMetadata = getOwnMetadata;
  reflect.getMetadata = getMetadata;
  reflect.defineMetadata = defineMetadata;
  reflect.hasMetadata = (key: unknown, target: MetadataTarget, property?: string | symbol) =>
    getMetadata(key, target, property) !== undefined;
  reflect.metadata = (key: unknown, value: unknown) => (target: MetadataTarget, property?: string | symbol) =>
    defineMetadata(key, value, target, property);
}
