import type { InferResponseType } from 'hono/client';
import type { api } from './client';

type WorkspaceApi = (typeof api.api.workspaces)[':workspaceId'];

export type Me = InferResponseType<typeof api.api.me.$get, 200>;
export type User = Me['user'];
export type WorkspaceOfUser = Me['workspaces'][number];
export type Member = InferResponseType<WorkspaceApi['members']['$get'], 200>['members'][number];
export type Invite = InferResponseType<WorkspaceApi['invites']['$get'], 200>['invites'][number];
export type CreatedInvite = InferResponseType<WorkspaceApi['invites']['$post'], 201>;
export type InvitePreview = InferResponseType<(typeof api.api.invites)[':token']['$get'], 200>;
export type ApiToken = InferResponseType<typeof api.api.tokens.$get, 200>['tokens'][number];
export type CreatedApiToken = InferResponseType<typeof api.api.tokens.$post, 201>;
export type Role = WorkspaceOfUser['role'];
export type NotificationItem = InferResponseType<WorkspaceApi['notifications']['$get'], 200>['notifications'][number];
export type NotificationPreference = InferResponseType<typeof api.api.me['notification-preferences']['$get'], 200>['preferences'][number];
