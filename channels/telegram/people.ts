// How a Telegram user is named in tickets and history: "First Last", else "@username", else the numeric id.
import type { User } from 'grammy/types';

export function displayName(user: User | undefined): string {
  if (!user) return 'someone on Telegram';
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return name || (user.username ? `@${user.username}` : String(user.id));
}

/** The `by` of field changes made from Telegram: "telegram:Priya Shah (42)". */
export function changedBy(user: User | undefined): string {
  return user ? `telegram:${displayName(user)} (${user.id})` : 'telegram';
}
