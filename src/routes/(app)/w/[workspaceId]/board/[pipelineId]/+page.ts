import { preloadBoard } from '$lib/board/board-preload';
import type { PageLoad } from './$types';

// Runs before any layout renders: the board's local copy loads meanwhile.
export const load: PageLoad = ({ params }) => {
	preloadBoard(params.pipelineId);
};
