import type { AppDeps } from './context.js';

/** Closes the live board connections of a user (wired to the sync core by the lead). */
export async function endUserConnections(_deps: AppDeps, _userId: string): Promise<void> {}
