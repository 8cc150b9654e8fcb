// v_escalations: one row per escalation — an entry's tier raised — read from the field history, so trend questions
// count escalations when they happened (not when the ticket was opened), with who did it: a job and its rule (from
// the job ledger), or a person and their channel.
import { findField, type FieldDefinition, type ObjectDefinition, type ObjectRegistry, quoteIdentifier, tableName } from './object-schema';

/** A SQL string literal (view text cannot take parameters; option names come from object files). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The enum fields of an object that hold an escalation tier: named like "Escalation Tier" / "Escalation Level", whose
 * options are tiers ("Tier 1 - Support Lead"), or another "… Tier" / "… Level" (a job's escalate.field such as
 * "Support Level"). Account Tier, Health Tier, Plan Level (a kind of customer, not an escalation) are not.
 */
export function tierFields(definition: ObjectDefinition): FieldDefinition[] {
  return definition.fields.filter(
    (field) =>
      field.type === 'enum' &&
      (/escalat/i.test(field.name) ||
        (field.options ?? []).some((option) => /^tier\s*\d/i.test(option)) ||
        (/\b(tier|level)\b/i.test(field.name) && !/account|customer|company|plan|health|pricing|subscription|seat/i.test(field.name))),
  );
}

/** The relation naming an entry's customer: the first one called Customer, Company or Account. */
function customerRelation(definition: ObjectDefinition): FieldDefinition | undefined {
  return definition.fields.find((field) => field.type === 'relation' && /^(customer|company|account)$/i.test(field.name));
}

function rankSql(field: FieldDefinition, value: string): string {
  const options = field.options ?? [];
  return `(CASE ${value} ${options.map((option, index) => `WHEN ${literal(option)} THEN ${index}`).join(' ')} ELSE -1 END)`;
}

function branchSql(definition: ObjectDefinition, field: FieldDefinition, objects: ObjectRegistry): string {
  const relation = customerRelation(definition);
  const related = relation ? objects.get(relation.relatedObject ?? '') : undefined;
  const display = related ? findField(related, related.displayField) : undefined;
  const joins = [`LEFT JOIN ${tableName(definition.name)} AS e ON e.id = fc.entry_id`];
  let customer = 'NULL::VARCHAR';
  if (relation && related && display && display.type !== 'relation' && display.type !== 'action') {
    joins.push(`LEFT JOIN ${tableName(related.name)} AS c ON c.id = e.${quoteIdentifier(relation.column)}`);
    customer = `c.${quoteIdentifier(display.column)}`;
  }
  // The first option (None) is no escalation; a move up the option order is one, a move down is not.
  const none = field.options?.[0];
  const raised = `${rankSql(field, 'fc.new_value')} > greatest(${rankSql(field, 'fc.old_value')}, ${none !== undefined && /^(none|no|n\/a|-)$/i.test(none) ? 0 : -1})`;
  return `SELECT fc.entry_id, ${literal(definition.name)} AS object, ${customer} AS customer, ${literal(field.name)} AS tier_field,
    fc.old_value AS from_tier, fc.new_value AS to_tier, fc.changed_at AS escalated_at, fc.changed_by
    FROM field_changes AS fc ${joins.join(' ')}
    WHERE fc.object = ${literal(definition.name)} AND fc.field = ${literal(field.name)} AND ${raised}`;
}

/** CREATE VIEW v_escalations over every object with a tier field (an empty view when there is none). */
export function escalationsViewSql(objects: ObjectRegistry): string {
  const branches = [...objects.values()].flatMap((definition) => tierFields(definition).map((field) => branchSql(definition, field, objects)));
  const source = branches.length
    ? branches.join('\nUNION ALL\n')
    : `SELECT NULL::VARCHAR AS entry_id, NULL::VARCHAR AS object, NULL::VARCHAR AS customer, NULL::VARCHAR AS tier_field, NULL::VARCHAR AS from_tier,
       NULL::VARCHAR AS to_tier, NULL::TIMESTAMPTZ AS escalated_at, NULL::VARCHAR AS changed_by WHERE false`;
  // changed_by is "job:<name>", "chat:<channel>:<chat>[:<person>]", "telegram:<person> (<id>)", "web:<person>", "webhook:<source>", "cli".
  return `CREATE OR REPLACE VIEW v_escalations AS
  WITH raised AS (${source})
  SELECT r.entry_id, r.object, r.customer, r.tier_field, r.from_tier, r.to_tier, r.escalated_at,
    CASE split_part(r.changed_by, ':', 1) WHEN 'job' THEN 'job' WHEN 'chat' THEN 'person' WHEN 'telegram' THEN 'person' WHEN 'web' THEN 'person' ELSE split_part(r.changed_by, ':', 1) END AS by_kind,
    CASE WHEN starts_with(r.changed_by, 'job:') THEN substr(r.changed_by, 5) END AS job,
    (SELECT min(l.rule) FROM job_ledger AS l WHERE starts_with(r.changed_by, 'job:') AND l.job = substr(r.changed_by, 5) AND l.entry_id = r.entry_id AND l.target = 'entry' AND l.fired_at = r.escalated_at) AS rule,
    CASE split_part(r.changed_by, ':', 1)
      WHEN 'chat' THEN coalesce(nullif(split_part(r.changed_by, ':', 4), ''), split_part(r.changed_by, ':', 3))
      WHEN 'telegram' THEN nullif(regexp_extract(r.changed_by, '^telegram:(.*) \\(-?[0-9]+\\)$', 1), '')
      WHEN 'web' THEN nullif(substr(r.changed_by, 5), '')
    END AS person,
    CASE split_part(r.changed_by, ':', 1) WHEN 'job' THEN NULL WHEN 'chat' THEN split_part(r.changed_by, ':', 2) WHEN 'webhook' THEN split_part(r.changed_by, ':', 2) ELSE split_part(r.changed_by, ':', 1) END AS channel,
    r.changed_by
  FROM raised AS r`;
}
