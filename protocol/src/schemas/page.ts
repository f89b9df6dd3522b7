import * as v from 'valibot'

/** Page size when a list query gives no `limit`. */
export const DEFAULT_PAGE_LIMIT = 50
/** Largest accepted `limit` of a list query. */
export const MAX_PAGE_LIMIT = 100
/** Longest accepted `cursor`, in characters. */
export const MAX_CURSOR_LENGTH = 512

/**
 * The `limit` query parameter: the decimal text of an integer 1..100, parsed to a number.
 * Absent means {@link DEFAULT_PAGE_LIMIT}.
 *
 * @example
 * v.parse(PageLimitSchema, '20') // 20
 */
export const PageLimitSchema = v.pipe(
  v.string(),
  v.regex(/^[0-9]{1,3}$/, 'limit is an integer from 1 to 100'),
  // What the text means on the wire, for JSON Schema and OpenAPI (see protocol/scripts).
  v.metadata({
    jsonSchema: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_PAGE_LIMIT,
      default: DEFAULT_PAGE_LIMIT,
      description: 'Page size, 1 to 100; 50 when absent.',
    },
  }),
  v.transform(Number),
  v.minValue(1, 'limit is an integer from 1 to 100'),
  v.maxValue(MAX_PAGE_LIMIT, 'limit is an integer from 1 to 100'),
)

/**
 * The `cursor` query parameter: opaque, copied from a previous page's `next_cursor`.
 *
 * @example
 * v.parse(CursorSchema, page.next_cursor)
 */
export const CursorSchema = v.pipe(
  v.string(),
  v.minLength(1, 'cursor must not be empty'),
  v.maxLength(MAX_CURSOR_LENGTH, `cursor is at most ${MAX_CURSOR_LENGTH} characters`),
  v.description("Opaque; copy it from the previous page's `next_cursor`."),
)

/**
 * A page of a list: the items and the cursor of the next page, `null` on the last page.
 *
 * @example
 * const SubscriptionPageSchema = pageSchema(SubscriptionSchema)
 */
export const pageSchema = <T extends v.GenericSchema>(item: T) =>
  v.object({
    data: v.array(item),
    next_cursor: v.pipe(
      v.nullable(v.string()),
      v.description('Pass as `cursor` to get the next page; `null` on the last page.'),
    ),
  })
