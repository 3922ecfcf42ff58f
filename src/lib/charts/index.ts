/**
 * Charts: d3 computes scales, layouts and paths; Svelte renders the SVG. Import what a page uses;
 * unused charts (and their d3 modules) stay out of the page's bundle.
 */
export { default as LineChart } from './LineChart.svelte';
export { default as Histogram } from './Histogram.svelte';
export { default as BarChart } from './BarChart.svelte';
export { default as DagView } from './DagView.svelte';
export { LiveSeries } from './live-series.svelte.ts';
export type { LineSeries, Point } from './series.ts';
export type { Bar, DagEdge, DagNode, DagStatus, HistogramBin } from './types.ts';
export { layoutDag, type DagLayout, type LayoutOptions } from './dag-layout.ts';
