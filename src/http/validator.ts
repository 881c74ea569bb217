// The schemas' validator: TypeBox's compiler as @fastify/type-provider-typebox sets it up,
// except that a query parameter becomes an integer only when it is written as one.
// TypeBox's own conversion reads "1.5" as 1 and "2.9" as 2, where the API refuses both.
import type { FastifySchemaCompiler } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';

const WHOLE = /^\d{1,15}$/;

interface ObjectSchema {
  properties?: Record<string, { type?: unknown }>;
}

/** Integer parameters that are not whole numbers stay text, so that the schema refuses them. */
function integerFields(schema: TSchema): Set<string> {
  const out = new Set<string>();
  for (const [name, p] of Object.entries((schema as ObjectSchema).properties ?? {}))
    if (p.type === 'integer') out.add(name);
  return out;
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const check = TypeBoxValidatorCompiler(route);
  if (route.httpPart !== 'querystring') return check;
  const integers = integerFields(route.schema);
  if (integers.size === 0) return check;
  return (value: unknown) => {
    if (typeof value !== 'object' || value === null) return check(value);
    const q = value as Record<string, unknown>;
    for (const name of integers) {
      const v = q[name];
      if (typeof v === 'string' && !WHOLE.test(v)) return { error: [notWhole(name)] };
    }
    return check(value);
  };
};

function notWhole(name: string) {
  return {
    keyword: 'type',
    instancePath: `/${name}`,
    schemaPath: `#/properties/${name}`,
    params: { type: 'integer' },
    message: 'must be integer',
  };
}
