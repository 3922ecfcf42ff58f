/**
 * Server rendering of the shared components: what each shows for given props (markup, roles,
 * tones). Interaction is covered by the browser tests (tests/e2e).
 */
import { render } from 'svelte/server';
import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import ChatBubbles from './ChatBubbles.svelte';
import WordDiff from './WordDiff.svelte';
import StatusBadge from './StatusBadge.svelte';
import ErrorBox from './ErrorBox.svelte';
import EmptyState from './EmptyState.svelte';
import ProgressBar from './ProgressBar.svelte';
import CodeBlock from './CodeBlock.svelte';
import BarChart from '../charts/BarChart.svelte';
import DagView from '../charts/DagView.svelte';
import { ApiError } from '../api/client.ts';

const text = (html: string) => html.replace(/<!--[^]*?-->/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

describe('shared components (server-rendered)', () => {
  it('ChatBubbles: one bubble per message with its role, tool calls, weights and marked search hits', () => {
    const { body } = render(ChatBubbles, {
      props: {
        messages: [
          { role: 'system', content: 'Be formal.' },
          { role: 'user', content: 'Refund please' },
          { role: 'assistant', content: null, tool_calls: '[{"id":"c1","function":{"name":"refund"}}]' },
          { role: 'tool', content: 'ok', tool_call_id: 'c1' },
          { role: 'assistant', content: 'Your refund is on its way.', weight: 0 }
        ],
        metadata: { intent: 'refund', empty: null },
        highlight: 'refund'
      }
    });
    expect((body.match(/class="msg /g) ?? []).length).toBe(5);
    expect(body).toContain('class="msg user');
    expect(body).toMatch(/<mark[^>]*>Refund<\/mark>/);
    expect(text(body)).toContain('intent refund');
    expect(text(body)).not.toContain('empty');
    expect(body).toContain('"name": "refund"'); // pretty-printed tool call
    expect(text(body)).toContain('↳ c1');
    expect(text(body)).toContain('not trained');
  });

  it('WordDiff: struck old words and highlighted new ones', () => {
    const { body } = render(WordDiff, { props: { a: 'the cat sat', b: 'the dog sat', labelA: 'base', labelB: 'tuned' } });
    expect(body).toMatch(/<del[^>]*>cat<\/del>/);
    expect(body).toMatch(/<ins[^>]*>dog<\/ins>/);
    expect(body).toContain('aria-label="Differences from base to tuned"');
  });

  it('StatusBadge: the tone of the status, and words for people', () => {
    expect(render(StatusBadge, { props: { status: 'validating_files' } }).body).toMatch(/class="badge run[^"]*"/);
    expect(text(render(StatusBadge, { props: { status: 'validating_files' } }).body)).toBe('validating files');
    expect(render(StatusBadge, { props: { status: 'failed' } }).body).toMatch(/class="badge err/);
    expect(render(StatusBadge, { props: { status: 'something-new' } }).body).toMatch(/class="badge neutral/);
  });

  it('ErrorBox: an alert with the code and where it happened', () => {
    const { body } = render(ErrorBox, { props: { title: 'Could not save', error: new ApiError(422, 'bad_stage', 'unknown column', { line: 3, column: 7 }) } });
    expect(body).toContain('role="alert"');
    expect(text(body)).toContain('Could not save bad_stage · 422');
    expect(text(body)).toContain('line 3, column 7: unknown column');
  });

  it('EmptyState: what is missing and what to do next', () => {
    const { body } = render(EmptyState, {
      props: { title: 'No runs yet', description: 'Run a pipeline to see it here.', action: createRawSnippet(() => ({ render: () => '<a href="/pipelines">Open pipelines</a>' })) }
    });
    expect(text(body)).toBe('No runs yet Run a pipeline to see it here. Open pipelines');
  });

  it('ProgressBar and CodeBlock', () => {
    const p = render(ProgressBar, { props: { label: 'Uploading', value: 0.426, showValue: true } }).body;
    expect(p).toContain('aria-valuenow="43"');
    expect(text(p)).toBe('43%');
    expect(render(ProgressBar, { props: { label: 'Working' } }).body).toContain('aria-valuetext="working"');
    const c = render(CodeBlock, { props: { code: 'a\nb\nc\n', lineNumbers: true, highlight: [2], language: 'ftp' } }).body;
    expect((c.match(/class="line/g) ?? []).length).toBe(3);
    expect(c).toMatch(/class="line[^"]* marked/);
  });

  it('BarChart: largest first, the tail summed into "other"', () => {
    const data = ['a', 'b', 'c', 'd', 'e'].map((label, i) => ({ label, value: (i + 1) * 10 }));
    const t = text(render(BarChart, { props: { data, limit: 3 } }).body);
    expect(t).toBe('e 50 d 40 other (3) 60');
  });

  it('DagView: every stage with its status, in an SVG sized to the layout', () => {
    const { body } = render(DagView, {
      props: {
        nodes: [
          { id: 'data', label: 'tickets', status: 'cached' },
          { id: 'clean', label: 'clean', status: 'done', detail: '1.2 s' },
          { id: 'train', label: 'tuned', status: 'running' },
          { id: 'eval', label: 'eval', status: 'pending' }
        ],
        edges: [
          { from: 'data', to: 'clean' },
          { from: 'clean', to: 'train' },
          { from: 'train', to: 'eval' }
        ]
      }
    });
    expect(body).toContain('aria-label="clean: done, 1.2 s"');
    expect(body).toContain('aria-label="eval: will run"');
    expect((body.match(/class="edge/g) ?? []).length).toBe(3);
    expect(text(body)).toContain('cached done running will run');
    const cyc = render(DagView, { props: { nodes: [{ id: 'a', label: 'a', status: 'done' }], edges: [{ from: 'a', to: 'a' }] } }).body;
    expect(text(cyc)).toContain('Cannot draw the plan: the graph has a cycle through a');
  });
});
