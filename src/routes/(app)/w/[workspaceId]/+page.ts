import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

// The board is the workspace's home.
export const load: PageLoad = ({ params }) => {
	redirect(307, `/w/${params.workspaceId}/board`);
};
