// Boards for a benchmark, made over the HTTP API as a user would: one
// sign-up (the sign-up throttle allows few per address), one API token, then
// pipelines and sample deals.

export interface BenchBoard {
	id: string;
	stages: Array<{ id: string; name: string; kind: string }>;
}

export interface BenchWorkspace {
	baseUrl: string;
	userId: string;
	workspaceId: string;
	token: string;
	/** The pipeline the sign-up created. */
	firstBoard: BenchBoard;
}

async function callJson<T>(baseUrl: string, method: string, path: string, options: { token?: string; cookie?: string; json?: unknown } = {}): Promise<T> {
	const headers: Record<string, string> = {};
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	if (options.cookie) headers.cookie = options.cookie;
	if (options.json !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(baseUrl + path, { method, headers, body: options.json === undefined ? undefined : JSON.stringify(options.json) });
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
	return (text ? JSON.parse(text) : null) as T;
}

/** Signs up the bench's owner and issues an API token for everything after. */
export async function createBenchWorkspace(baseUrl: string): Promise<BenchWorkspace> {
	const email = `bench.${Date.now()}.${Math.random().toString(36).slice(2, 7)}@example.com`;
	const signup = await fetch(`${baseUrl}/api/auth/signup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password: 'plum-orchard-tuesday-42', name: 'Bench Owner', workspaceName: 'Bench' })
	});
	if (!signup.ok) throw new Error(`sign-up answered ${signup.status}: ${await signup.text()}`);
	const { user, workspace } = (await signup.json()) as { user: { id: string }; workspace: { id: string } };
	const cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
	const { token } = await callJson<{ token: string }>(baseUrl, 'POST', '/api/tokens', { cookie, json: { name: 'bench' } });
	const boards = await callJson<BenchBoard[]>(baseUrl, 'GET', `/api/workspaces/${workspace.id}/pipelines`, { token });
	return { baseUrl, userId: user.id, workspaceId: workspace.id, token, firstBoard: boards[0]! };
}

/** A new pipeline with the default sales stages. */
export async function createBoard(workspace: BenchWorkspace, name: string): Promise<BenchBoard> {
	return callJson<BenchBoard>(workspace.baseUrl, 'POST', `/api/workspaces/${workspace.workspaceId}/pipelines`, {
		token: workspace.token,
		json: { name }
	});
}

/** Fills a board with open sample deals (each with its task) in one change. */
export async function fillBoard(workspace: BenchWorkspace, boardId: string, count: number): Promise<void> {
	await callJson(workspace.baseUrl, 'POST', `/api/workspaces/${workspace.workspaceId}/sample-data`, {
		token: workspace.token,
		json: { pipelineId: boardId, count, history: false }
	});
}

/** `count` boards of `dealsPerBoard` deals: the sign-up's board and new ones. */
export async function createFilledBoards(workspace: BenchWorkspace, count: number, dealsPerBoard: number): Promise<BenchBoard[]> {
	const boards = [workspace.firstBoard];
	for (let i = 1; i < count; i++) boards.push(await createBoard(workspace, `Bench board ${i + 1}`));
	for (const board of boards) await fillBoard(workspace, board.id, dealsPerBoard);
	return boards;
}
