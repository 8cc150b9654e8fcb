// The field-value map tools accept for entries: display names to values, validated by each field's type.
import { z } from 'zod';

export const fieldValuesSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .describe(
    'Field display name → value. Enums take an option or its code ("P1"); dates ISO or written ("2026-04-14 09:30", "now", "2 hours ago"); relations the related entry\'s name or id; null clears',
  );
