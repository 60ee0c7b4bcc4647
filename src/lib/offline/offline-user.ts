/** Who is signed in, for the offline parts that outlive a page (outbox, boards opened offline). */
export interface OfflineUser {
	id: string;
	name: string;
}

let current: OfflineUser | null = null;

export function setOfflineUser(user: OfflineUser | null): void {
	current = user ? { id: user.id, name: user.name } : null;
}

export function offlineUser(): OfflineUser | null {
	return current;
}
