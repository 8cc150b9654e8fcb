// The alert actions moved to jobs/alert-actions.ts (the offline reader calls them too); kept here so imports of the
// Telegram channel's module keep working.
export * from '../../jobs/alert-actions';
