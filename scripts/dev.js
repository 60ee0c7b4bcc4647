// `npm run dev`: the API server with reload on change, and Vite with hot
// module reload for the app, proxying /api and /sync (websockets) to the server.
import { spawn } from 'node:child_process';

const apiPort = process.env.API_PORT ?? '3000';
const children = [
	spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'server/main.ts', '--api-only'], {
		stdio: 'inherit',
		env: { ...process.env, PORT: apiPort }
	}),
	spawn('npx', ['vite', 'dev'], {
		stdio: 'inherit',
		env: { ...process.env, VORONKA_API: `http://127.0.0.1:${apiPort}` }
	})
];

const stop = () => children.forEach((child) => child.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => code && code !== 0 && (stop(), process.exit(code)));
