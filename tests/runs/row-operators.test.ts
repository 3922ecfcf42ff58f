/**
 * The row operators on small fixtures: redaction (Luhn-valid card numbers only, counts per kind,
 * derived columns recomputed), sample, limit, balance, system_prompt, map roles and concat.
 * Expected values are worked out from the fixture text here, not taken from the code under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationId } from '../../src/engine/data/canonical.ts';
import type { CanonicalMessage } from '../../src/engine/data/schema.ts';
import type { RunStatus } from '../../src/engine/runs/index.ts';
import { output, parquet, rows, run, SAMPLE, stage, tempWorkspace } from './helpers.ts';

const conv = (user: string, assistant: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ messages: [{ role: 'system', content: 'You help.' }, { role: 'user', content: user }, { role: 'assistant', content: assistant }], ...extra });

const REDACT_FIXTURE = [
  conv('My card is 4111 1111 1111 1111, please refund.', 'Done.'), // Luhn-valid test Visa
  conv('Try 4111-1111-1111-1112 instead.', 'That number is wrong.'), // fails the Luhn check
  conv('Mail jo.doe@example.co.uk or call +1 415-555-0132.', 'Noted, jo.doe@example.co.uk.'),
  conv('Hosts 192.168.0.1 and 2001:db8::ff00:42:8329 are down.', 'We will check 10.0.0.7.'),
  conv('Order ORD-1234567 never came; call 555-0170.', 'Order ORD-1234567 ships today.'),
  conv('Card 5500 0000 0000 0004 and 378282246310005.', 'Thanks.'), // valid MasterCard and Amex test numbers
  conv('Nothing personal here, 12 items at 3.50 each on 2024-05-17.', 'Fine.')
].join('\n');

interface Row {
  conversation_id: string;
  messages: CanonicalMessage[];
  user_text: string;
  assistant_text: string;
  system_text: string;
  chars: number;
  turns: number;
  source_line: number;
  intent?: string;
  style?: string;
}

const read = (file: string) => rows<Row>(`SELECT * FROM ${parquet(file)}`);

describe('row operators', () => {
  let ws: Awaited<ReturnType<typeof tempWorkspace>>;
  beforeAll(async () => {
    ws = await tempWorkspace({
      'datasets/redact.jsonl': REDACT_FIXTURE + '\n',
      'datasets/support.jsonl': { copy: SAMPLE('support.jsonl') },
      'datasets/support_crs.json': { copy: SAMPLE('support_crs.json') }
    });
  });
  afterAll(() => ws.cleanup());

  it('redact replaces personal data in every message, cards only when Luhn-valid, and recomputes derived columns', async () => {
    const { status } = await run(
      ws,
      `pipeline redaction
dataset r from "datasets/redact.jsonl" format openai
stage clean from r {
  redact email, phone, credit_card, ip, order_id r"ORD-[0-9]{6,}"
}
`
    );
    expect(status.status).toBe('succeeded');
    const out = await read(output(ws, status, 'clean.1'));
    const users = out.map((r) => r.messages[1].content);
    expect(users).toEqual([
      'My card is [CREDIT_CARD], please refund.',
      'Try 4111-1111-1111-1112 instead.',
      'Mail [EMAIL] or call [PHONE].',
      'Hosts [IP] and [IP] are down.',
      'Order [ORDER_ID] never came; call [PHONE].',
      'Card [CREDIT_CARD] and [CREDIT_CARD].',
      'Nothing personal here, 12 items at 3.50 each on 2024-05-17.'
    ]);
    expect(out.map((r) => r.messages[2].content)).toEqual(['Done.', 'That number is wrong.', 'Noted, [EMAIL].', 'We will check [IP].', 'Order [ORDER_ID] ships today.', 'Thanks.', 'Fine.']);
    expect(stage(status, 'clean.1').summary).toMatchObject({ redactions: { order_id: 2, email: 2, credit_card: 3, ip: 3, phone: 2 }, total: 12, rows_changed: 5 });
    // derived columns agree with the new messages
    for (const r of out) {
      expect(r.user_text).toBe(r.messages[1].content);
      expect(r.assistant_text).toBe(r.messages[2].content);
      expect(r.chars).toBe(r.messages.reduce((n, m) => n + [...(m.content ?? '')].length, 0));
      expect(r.conversation_id).toBe(conversationId(r.messages, null));
    }
  });

  describe('on the support sample', () => {
    let base: Row[];
    let status: RunStatus;
    beforeAll(async () => {
      ({ status } = await run(
        ws,
        `pipeline shaping
dataset t from "datasets/support.jsonl" format openai
dataset crs from "datasets/support_crs.json" format context_response
stage s1 from t {
  sample 50 seed 1
}
stage s2 from t {
  sample 50 seed 2
}
stage s3 from t {
  sample 10% seed 1
}
stage lim from t {
  limit 7
}
stage bal from t {
  balance by intent cap 10 seed 4
}
stage prompts from t {
  system_prompt set "[STYLE:{style}] You are a support agent."
}
stage defaults from t {
  system_prompt default "Default prompt."
}
stage prepended from t {
  system_prompt prepend "Intent: {intent}. "
}
stage swapped from t {
  map roles user -> assistant, assistant -> user
}
stage both from t, crs {
  limit 1000
}
`
      ));
      expect(status.status).toBe('succeeded');
      base = await read(output(ws, status, 't'));
    });

    it('sample: n rows or a share, the same for a seed, different for another, in input order', async () => {
      const s1 = await read(output(ws, status, 's1.1'));
      const s2 = await read(output(ws, status, 's2.1'));
      const s3 = await read(output(ws, status, 's3.1'));
      expect(s1).toHaveLength(50);
      expect(s3).toHaveLength(Math.round(base.length * 0.1));
      expect(s1.map((r) => r.source_line)).toEqual([...s1.map((r) => r.source_line)].sort((a, b) => a - b));
      expect(s1.map((r) => r.conversation_id)).not.toEqual(s2.map((r) => r.conversation_id));
      // the 10% sample with seed 1 is the first rows of the seed-1 order, so it lies inside the 50
      const in50 = new Set(s1.map((r) => r.source_line));
      expect(s3.every((r) => in50.has(r.source_line))).toBe(true);
    });

    it('limit keeps the first rows; balance caps every class', async () => {
      expect((await read(output(ws, status, 'lim.1'))).map((r) => r.source_line)).toEqual(base.slice(0, 7).map((r) => r.source_line));
      const counts = new Map<string, number>();
      for (const r of base) counts.set(r.intent!, (counts.get(r.intent!) ?? 0) + 1);
      const bal = await read(output(ws, status, 'bal.1'));
      const got = new Map<string, number>();
      for (const r of bal) got.set(r.intent!, (got.get(r.intent!) ?? 0) + 1);
      for (const [intent, n] of counts) expect(got.get(intent), intent).toBe(Math.min(n, 10));
    });

    it('system_prompt set, default and prepend, with derived columns recomputed', async () => {
      const set = await read(output(ws, status, 'prompts.1'));
      set.forEach((r, i) => {
        const systems = r.messages.filter((m) => m.role === 'system');
        expect(systems).toHaveLength(1);
        expect(r.messages[0].content).toBe(`[STYLE:${base[i].style ?? ''}] You are a support agent.`);
        expect(r.system_text).toBe(r.messages[0].content);
        expect(r.conversation_id).toBe(conversationId(r.messages, null));
      });
      const def = await read(output(ws, status, 'defaults.1'));
      def.forEach((r, i) => expect(r.system_text).toBe(base[i].system_text || 'Default prompt.'));
      const pre = await read(output(ws, status, 'prepended.1'));
      pre.forEach((r, i) => expect(r.system_text.startsWith(`Intent: ${base[i].intent}. `)).toBe(true));
      expect(stage(status, 'prompts.1').summary?.rows_changed).toBe(base.length);
    });

    it('map roles relabels all mappings at once (a swap works)', async () => {
      const swapped = await read(output(ws, status, 'swapped.1'));
      swapped.forEach((r, i) => {
        expect(r.user_text).toBe(base[i].assistant_text);
        expect(r.assistant_text).toBe(base[i].user_text);
      });
    });

    it('concat keeps input order and puts columns in the canonical order', async () => {
      const both = await read(output(ws, status, 'both.2'));
      const crs = await read(output(ws, status, 'crs'));
      expect(both).toHaveLength(base.length + crs.length);
      expect(both.slice(0, base.length).map((r) => r.conversation_id)).toEqual(base.map((r) => r.conversation_id));
      expect(both.slice(base.length).map((r) => r.conversation_id)).toEqual(crs.map((r) => r.conversation_id));
      const cols = (await rows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${parquet(output(ws, status, 'both.2'))}`)).map((c) => c.column_name);
      expect(cols.slice(0, 3)).toEqual(['conversation_id', 'messages', 'tools']);
      expect(cols.slice(-8)).toEqual(['source_file', 'source_line', 'turns', 'system_text', 'user_text', 'assistant_text', 'chars', 'tokens']);
    });
  });
});
