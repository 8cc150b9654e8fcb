// Moved to objects/charts/render-png.ts (report jobs draw charts too); kept so existing imports still work.
export * from '../../objects/charts/render-png';
