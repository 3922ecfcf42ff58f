/**
 * Tabs, as a compound component:
 *   <Tabs.Root bind:value={tab}>
 *     <Tabs.List label="Run views"><Tabs.Trigger value="loss">Loss</Tabs.Trigger><Tabs.Trigger value="logs">Logs</Tabs.Trigger></Tabs.List>
 *     <Tabs.Content value="loss">…</Tabs.Content>
 *     <Tabs.Content value="logs">…</Tabs.Content>
 *   </Tabs.Root>
 */
export { default as Root } from './Root.svelte';
export { default as List } from './List.svelte';
export { default as Trigger } from './Trigger.svelte';
export { default as Content } from './Content.svelte';
