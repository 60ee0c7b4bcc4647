import { writeCsv, type CsvColumn } from '../../../../../../server/imports/csv-write';

// The one CSV writer of the app (UTF-8 with a BOM, CRLF, defused formulas),
// shared with the server's exports: it is plain code with no server imports.

function download(href: string, fileName: string) {
	const link = document.createElement('a');
	link.href = href;
	link.download = fileName;
	document.body.append(link);
	link.click();
	link.remove();
}

export function downloadCsv(fileName: string, columns: CsvColumn[], rows: Record<string, unknown>[]): void {
	const blob = new Blob([writeCsv(columns, rows)], { type: 'text/csv;charset=utf-8' });
	const url = URL.createObjectURL(blob);
	download(url, fileName);
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadPng(fileName: string, canvas: HTMLCanvasElement): void {
	download(canvas.toDataURL('image/png'), fileName);
}
