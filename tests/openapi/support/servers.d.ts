// The types of servers.js, for the TypeScript client test.
export const API_KEY: string;
export const PAGE_ORIGIN: string;
export const AUTH_TOKEN: string;
export function startLive(): Promise<{
  address: string;
  latestCode: (e164: string) => Promise<string | null>;
  stop: () => Promise<void>;
}>;
export function startSimulated(): Promise<{ address: string; stop: () => Promise<void> }>;
export function eventually<T>(read: () => Promise<T | null>, limitMs?: number): Promise<T>;
