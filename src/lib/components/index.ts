/**
 * The shared components. Import from here or from the file; either way a page's bundle holds only
 * what it uses. Charts are in $lib/charts, the editor in $lib/editor (lazy Monaco).
 */
export { default as Button } from './Button.svelte';
export { default as Badge } from './Badge.svelte';
export { default as StatusBadge } from './StatusBadge.svelte';
export { default as EmptyState } from './EmptyState.svelte';
export { default as ErrorBox } from './ErrorBox.svelte';
export { default as ProgressBar } from './ProgressBar.svelte';
export { default as Field } from './Field.svelte';
export { default as CodeBlock } from './CodeBlock.svelte';
export { default as Highlight } from './Highlight.svelte';
export { default as ChatBubbles } from './ChatBubbles.svelte';
export { default as WordDiff } from './WordDiff.svelte';
export { default as ThemeToggle } from './ThemeToggle.svelte';
export { default as ShortcutsHelp } from './ShortcutsHelp.svelte';
export * as Tabs from './Tabs/index.ts';
export { DataGrid, type GridColumn, type FetchRows } from './DataGrid/index.ts';
export { statusTone, statusLabel, isActiveStatus, type Tone } from './status.ts';
export { diffWords, disagreement, tokenize, type DiffPart } from './word-diff.ts';
export { prettyJson, trainedOn, type ChatMessage } from './chat.ts';
