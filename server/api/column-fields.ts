import { z } from '@hono/zod-openapi';
import { createSchemaFactory } from 'drizzle-zod';
import {
	auditEvents,
	contacts,
	dealsProjection,
	imports,
	interactions,
	memberships,
	partyLinks,
	pipelines,
	stagesProjection,
	tasksProjection
} from '../db/schema.js';

// The API's closed lists (a deal's status, a task's type, a stage's kind...)
// are read off the enum columns that store them, so a value added to a table
// is accepted and documented by the API in the same change, and a value the
// database would refuse is a 422, never a 500.
const { createSelectSchema } = createSchemaFactory({ zodInstance: z });

const pipelineRow = createSelectSchema(pipelines).shape;
const dealRow = createSelectSchema(dealsProjection).shape;
const auditRow = createSelectSchema(auditEvents).shape;
const importRow = createSelectSchema(imports).shape;

export const roleField = createSelectSchema(memberships).shape.role.openapi({ example: 'rep' });
export const pipelineModeField = pipelineRow.mode;
export const pipelineAccessField = pipelineRow.access;
export const stageKindField = createSelectSchema(stagesProjection).shape.kind;
export const dealStatusField = dealRow.status;
export const dealSourceField = dealRow.source;
export const taskTypeField = createSelectSchema(tasksProjection).shape.type;
export const interactionKindField = createSelectSchema(interactions).shape.kind;
export const partyStatusField = createSelectSchema(contacts).shape.status;
export const partyKindField = createSelectSchema(partyLinks).shape.fromKind;
export const importEntityField = importRow.entity;
export const importStatusField = importRow.status;
export const auditActionField = auditRow.action;
export const auditActorKindField = auditRow.actorKind;
export const auditTargetTypeField = auditRow.targetType;
