// `npm run seed:demo -- --workspace <id> --token <api token> [--count 40] [--url http://localhost:3000]`
// Fills the workspace's first pipeline with sample deals through the running
// server's API, so the live board shows them at once: the room stays the one
// writer of the document.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
	options: {
		workspace: { type: 'string' },
		token: { type: 'string', default: process.env.VORONKA_TOKEN },
		count: { type: 'string', default: '40' },
		pipeline: { type: 'string' },
		url: { type: 'string', default: process.env.VORONKA_URL ?? 'http://localhost:3000' }
	}
});

if (!values.workspace || !values.token) {
	console.error('Usage: npm run seed:demo -- --workspace <workspace id> --token <API token> [--count 40] [--pipeline <id>] [--url http://localhost:3000]');
	console.error('Create an API token on the account page; the workspace id is in the address bar (/w/<id>/...).');
	process.exit(2);
}

const response = await fetch(`${values.url}/api/workspaces/${values.workspace}/sample-data`, {
	method: 'POST',
	headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' },
	body: JSON.stringify({ count: Number(values.count), pipelineId: values.pipeline })
});
const body = (await response.json()) as { created?: number; pipelineId?: string; error?: { message: string } };
if (!response.ok) {
	console.error(`Failed (${response.status}): ${body.error?.message ?? 'unknown error'}`);
	process.exit(1);
}
console.log(`Added ${body.created} sample deals to pipeline ${body.pipelineId}.`);
