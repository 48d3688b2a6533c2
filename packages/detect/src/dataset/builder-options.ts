import { DataFormatError } from '../errors/data-format.error.js';
import { type FlowSchema, type LabelMapping, normaliseColumnName } from '../schemas/flow-schema.js';

/** Canonical feature name of a dropColumns entry; throws when the schema has no such column. */
export function resolveDropColumn(schema: FlowSchema, name: string): string {
  const key = normaliseColumnName(name);
  const known = [...schema.features, ...schema.dropped].find(
    (c) => normaliseColumnName(c.name) === key || c.aliases?.some((a) => normaliseColumnName(a) === key),
  );
  if (!known) {
    throw new DataFormatError(
      'unknown-column',
      `dropColumns: schema "${schema.id}" has no column "${name}"`,
      {
        column: name,
        expected: `a feature of schema "${schema.id}"`,
        got: name,
        allowed: schema.features.map((f) => f.name),
      },
    );
  }
  return known.name;
}

/** The class list to code labels with: the reused one (checked) or the mapping's own. */
export function checkClassNames(
  reuse: readonly string[] | undefined,
  mapping: LabelMapping,
  schema: FlowSchema,
  target: string,
): readonly string[] {
  if (!reuse) return mapping.classNames;
  const foreign = reuse.filter((c) => !mapping.classNames.includes(c));
  if (foreign.length > 0) {
    throw new RangeError(
      `classNames: ${foreign.map((c) => `"${c}"`).join(', ')} not classes of target "${target}" ` +
        `of schema "${schema.id}" (${mapping.classNames.join(', ')})`,
    );
  }
  return [...reuse];
}
