import { api, call, messageOf } from '$lib/api/client';
import type { NotificationItem } from '$lib/api/types';
import { openWorkspaceEvents, throttled } from '$lib/live/workspace-events';

const pageSize = 20;

/**
 * The signed-in user's notifications in one workspace, kept current: the
 * workspace's live channel says "you have a notification" and the feed
 * re-reads its first page (and the unread count) through the API.
 */
export class NotificationFeed {
	items = $state<NotificationItem[]>([]);
	unreadCount = $state(0);
	next = $state<string | null>(null);
	loaded = $state(false);
	error = $state<string | null>(null);
	unreadOnly = $state(false);

	constructor(readonly workspaceId: string) {}

	/** Reads the newest page again; older pages already shown are dropped. */
	readonly refresh = async (): Promise<void> => {
		try {
			const page = await call(
				api.api.workspaces[':workspaceId'].notifications.$get({
					param: { workspaceId: this.workspaceId },
					query: { limit: String(pageSize), ...(this.unreadOnly ? { unread: 'true' as const } : {}) }
				})
			);
			this.items = page.notifications;
			this.unreadCount = page.unreadCount;
			this.next = page.next;
			this.error = null;
		} catch (failure) {
			this.error = messageOf(failure);
		} finally {
			this.loaded = true;
		}
	};

	async loadOlder(): Promise<void> {
		if (!this.next) return;
		try {
			const page = await call(
				api.api.workspaces[':workspaceId'].notifications.$get({
					param: { workspaceId: this.workspaceId },
					query: { limit: String(pageSize), before: this.next, ...(this.unreadOnly ? { unread: 'true' as const } : {}) }
				})
			);
			this.items = [...this.items, ...page.notifications];
			this.unreadCount = page.unreadCount;
			this.next = page.next;
		} catch (failure) {
			this.error = messageOf(failure);
		}
	}

	async markRead(id: string): Promise<void> {
		const item = this.items.find((candidate) => candidate.id === id);
		if (!item || item.readAt) return;
		// Shown read at once; the server's answer follows.
		item.readAt = new Date().toISOString();
		this.unreadCount = Math.max(0, this.unreadCount - 1);
		await call(api.api.notifications[':notificationId'].read.$post({ param: { notificationId: id } })).catch(() => this.refresh());
	}

	async markAllRead(): Promise<void> {
		const now = new Date().toISOString();
		for (const item of this.items) item.readAt ??= now;
		this.unreadCount = 0;
		await call(api.api.workspaces[':workspaceId'].notifications['read-all'].$post({ param: { workspaceId: this.workspaceId } })).catch(() => this.refresh());
	}

	/** Follows the live channel until the returned function is called. */
	follow(): () => void {
		const reread = throttled(this.refresh, 500);
		// `ready` comes on every (re)connection: whatever was missed meanwhile is read then.
		const close = openWorkspaceEvents(this.workspaceId, () => reread.run(), undefined, ['ready', 'notification']);
		return () => {
			reread.stop();
			close();
		};
	}
}
