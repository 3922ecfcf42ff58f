import { expect, it } from 'vitest';
import { OpenAIError } from '../errors.ts';
import { parseChatRequest } from './request.ts';

const msgs = [{ role: 'user', content: 'hi' }];

function paramOf(body: unknown): string | null {
  try {
    parseChatRequest(body);
  } catch (e) {
    expect((e as OpenAIError).status).toBe(400);
    return (e as OpenAIError).param;
  }
  throw new Error('expected a 400');
}

it('reads OpenAI chat bodies with their defaults', () => {
  const r = parseChatRequest({ model: 'm', messages: [{ role: 'developer', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }], stop: 'END', max_completion_tokens: 9, stream: true, stream_options: { include_usage: true } });
  expect(r).toEqual({ model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'ab' }], temperature: 1, topP: 1, topK: 0, maxTokens: 9, stop: ['END'], seed: null, n: 1, stream: true, includeUsage: true });
  expect(parseChatRequest({ model: 'm', messages: msgs, max_tokens: 5 }).maxTokens).toBe(5);
});

it('names the parameter of every invalid field and refuses features it does not have', () => {
  expect(paramOf({ messages: msgs })).toBe('model');
  expect(paramOf({ model: 'm', messages: [] })).toBe('messages');
  expect(paramOf({ model: 'm', messages: [{ role: 'wizard', content: 'x' }] })).toBe('messages[0].role');
  expect(paramOf({ model: 'm', messages: msgs, temperature: 2.5 })).toBe('temperature');
  expect(paramOf({ model: 'm', messages: msgs, top_p: 0 })).toBe('top_p');
  expect(paramOf({ model: 'm', messages: msgs, n: 9 })).toBe('n');
  expect(paramOf({ model: 'm', messages: msgs, max_tokens: 0 })).toBe('max_tokens');
  expect(paramOf({ model: 'm', messages: msgs, stop: ['a', 'b', 'c', 'd', 'e'] })).toBe('stop');
  expect(paramOf({ model: 'm', messages: msgs, tools: [{ type: 'function' }] })).toBe('tools');
  expect(paramOf({ model: 'm', messages: msgs, logprobs: true })).toBe('logprobs');
  expect(paramOf({ model: 'm', messages: msgs, stream_options: { include_usage: true } })).toBe('stream_options');
});
