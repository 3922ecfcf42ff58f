/** The virtual data grid: <DataGrid {columns} {total} {fetchRows} label="…" />. See DataGrid.svelte. */
export { default as DataGrid } from './DataGrid.svelte';
export { RowCache, visibleWindow, scrollTopForRow, MAX_SCROLL_PX, type FetchRows } from './row-cache.ts';
export { cellText, type GridColumn } from './types.ts';
