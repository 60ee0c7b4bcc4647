/**
 * The wall screen: a page opened with `?wall=1` shows without the top bar and
 * the navigation, in large type, for a screen watched from across a room.
 */
export function isWallScreen(url: URL): boolean {
	return url.searchParams.get('wall') === '1';
}
