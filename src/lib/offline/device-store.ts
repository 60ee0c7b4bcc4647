/**
 * What the app keeps on this device for working offline, besides the boards'
 * own copies (src/lib/board/local-copy.ts): one IndexedDB database with the
 * last-seen answers of pages that must open offline (`saved`, e.g. a deal
 * page's timeline) and the writes waiting for the network (`outbox`). Every
 * record belongs to the user who was signed in when it was written; logging
 * out deletes the whole database (device-data.ts).
 */
export const deviceStoreName = 'voronka-offline';
const stores = ['saved', 'outbox'] as const;
type StoreName = (typeof stores)[number];

let opened: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
	opened ??= new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(deviceStoreName, 1);
		request.onupgradeneeded = () => {
			for (const name of stores) if (!request.result.objectStoreNames.contains(name)) request.result.createObjectStore(name);
		};
		request.onsuccess = () => {
			const db = request.result;
			// Logging out deletes the database: let go of it so the deletion is not blocked.
			db.onversionchange = () => {
				db.close();
				opened = null;
			};
			resolve(db);
		};
		request.onerror = () => reject(request.error);
	});
	opened.catch(() => (opened = null));
	return opened;
}

function done<T>(request: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
}

async function store(name: StoreName, mode: IDBTransactionMode): Promise<IDBObjectStore> {
	return (await open()).transaction(name, mode).objectStore(name);
}

interface Owned<T> {
	userId: string;
	value: T;
}

export async function putRecord<T>(name: StoreName, key: string, userId: string, value: T): Promise<void> {
	await done((await store(name, 'readwrite')).put({ userId, value } satisfies Owned<T>, key));
}

/** The record, or null when there is none or it is another user's. */
export async function getRecord<T>(name: StoreName, key: string, userId: string): Promise<T | null> {
	const record = (await done((await store(name, 'readonly')).get(key))) as Owned<T> | undefined;
	return record?.userId === userId ? record.value : null;
}

export async function listRecords<T>(name: StoreName, userId: string): Promise<T[]> {
	const records = (await done((await store(name, 'readonly')).getAll())) as Owned<T>[];
	return records.filter((record) => record.userId === userId).map((record) => record.value);
}

export async function deleteRecord(name: StoreName, key: string): Promise<void> {
	await done((await store(name, 'readwrite')).delete(key));
}

/** Closes this page's connection, so the database can be deleted. */
export function closeDeviceStore(): void {
	void opened?.then((db) => db.close());
	opened = null;
}

/** Saves a last-seen answer; storage can be full or unavailable, and then nothing is saved. */
export function saveCopy(key: string, userId: string, value: unknown): void {
	putRecord('saved', key, userId, value).catch(() => {});
}

export function readCopy<T>(key: string, userId: string): Promise<T | null> {
	return getRecord<T>('saved', key, userId).catch(() => null);
}
