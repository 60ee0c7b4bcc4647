/**
 * What a workspace's event stream tells its clients (GET /api/workspaces/:id/events).
 * Events say *that* something changed, never what: a client re-reads what it
 * shows through the API, which applies the caller's role. So an event can be
 * sent to every member of the workspace without leaking anything.
 *
 * - `projection`: a board's relational projection committed (deals, tasks,
 *   stage events of `pipelineId` changed).
 * - `due`: a task reached its due time: overdue counts change without any write.
 * - `notification`: `userId` has a new notification (server/notifications/);
 *   only that user's streams are told.
 *
 * Clients ignore kinds they do not know.
 */
export type WorkspaceEvent = { type: 'projection'; pipelineId: string } | { type: 'due' } | { type: 'notification'; userId: string };
