// The app lives behind a login and talks to the API from the browser, so it is
// a single-page app: no server rendering, no prerendering.
export const ssr = false;
export const prerender = false;
