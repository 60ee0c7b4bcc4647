/** Reads a Server-Sent Events stream: the events so far, and whether it ended. */
export function openEvents(url: string, token: string) {
	const seen: Array<{ event: string; data: unknown }> = [];
	const state = { ended: false, status: 0 };
	const controller = new AbortController();
	const done = (async () => {
		const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal });
		state.status = response.status;
		if (!response.ok || !response.body) return;
		const decoder = new TextDecoder();
		let buffer = '';
		for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
			buffer += decoder.decode(chunk, { stream: true });
			let split;
			while ((split = buffer.indexOf('\n\n')) >= 0) {
				const block = buffer.slice(0, split);
				buffer = buffer.slice(split + 2);
				const event = /^event: (.*)$/m.exec(block)?.[1];
				const data = /^data: (.*)$/m.exec(block)?.[1];
				if (event) seen.push({ event, data: data ? JSON.parse(data) : null });
			}
		}
	})()
		.catch(() => undefined)
		.finally(() => (state.ended = true));
	return { seen, state, done, close: () => controller.abort() };
}
