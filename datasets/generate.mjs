#!/usr/bin/env node
// Generates the sample datasets in this folder: a fictional support desk ("Lumen Home", an online
// home-goods shop) in English and in Chinese, each in the three import formats, plus a small CSV
// of tickets. Every sentence is written here; the output is deterministic (seeded), so
//   node datasets/generate.mjs           rewrites the files, and
//   node datasets/generate.mjs --check   exits 1 if a committed file differs from what it would write.
// Answers are short and regular on purpose: the samples are meant to fine-tune tiny models.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// ------------------------------------------------------------------ deterministic randomness
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
const fill = (s, v) => s.replace(/\{(\w+)\}/g, (_, k) => v[k]);

// ------------------------------------------------------------------ English
const EN = {
  system: {
    formal: 'You are the support assistant of Lumen Home, an online home goods shop. Reply in a formal, courteous style.',
    concise: 'You are the support assistant of Lumen Home, an online home goods shop. Reply concisely, in one or two short sentences.'
  },
  products: ['desk lamp', 'kettle', 'wool blanket', 'coffee grinder', 'bath towel set', 'table fan', 'cutting board', 'reading chair', 'ceramic vase', 'rice cooker'],
  days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  intents: {
    billing: {
      ask: [
        'I was charged twice for order {order}. Can you fix it?',
        'Why is there an extra fee on my invoice for order {order}?',
        'Can I get a copy of the invoice for my {product}?',
        'My card was declined but the money left my account. What happened?',
        'How do I change the payment method for order {order}?'
      ],
      formal: [
        'Thank you for letting us know. I have checked order {order} and will refund the duplicate charge within 3 business days.',
        'I apologise for the confusion. The extra amount on order {order} is the delivery fee; I have sent you a detailed breakdown by email.',
        'Certainly. I have emailed the invoice for your {product} to the address on your account.',
        'I am sorry for the trouble. The bank holds the amount for a short time; it will be released within 5 business days.',
        'Of course. You can change the payment method under Orders, then Payment, until order {order} ships.'
      ],
      concise: [
        'Sorry about that. The duplicate charge for order {order} will be refunded in 3 days.',
        'That is the delivery fee. I emailed you the breakdown.',
        'Done. The invoice for your {product} is in your inbox.',
        'It is a temporary bank hold. It clears within 5 days.',
        'Go to Orders, then Payment. You can change it until order {order} ships.'
      ],
      followAsk: ['Will I get an email when the refund is done?', 'Can you send it to a different address?'],
      followFormal: ['Yes. You will receive a confirmation email as soon as the refund is processed.', 'Certainly. Please reply with the address and I will send it there.'],
      followConcise: ['Yes, you will get an email.', 'Sure. Send me the address.']
    },
    shipping: {
      ask: [
        'Where is my order {order}? It has not arrived yet.',
        'When will my {product} be delivered?',
        'Can I change the delivery address for order {order}?',
        'The tracking for order {order} has not moved for days.',
        'Do you ship to Canada?'
      ],
      formal: [
        'Thank you for your patience. Order {order} is with the courier and is expected to arrive on {day}.',
        'Your {product} left our warehouse today and should arrive by {day}.',
        'Certainly. I have updated the delivery address for order {order}; the courier will use the new one.',
        'I apologise for the delay. I have opened an inquiry with the courier and will update you by {day}.',
        'Yes, we ship to Canada. Delivery usually takes 5 to 8 business days.'
      ],
      concise: [
        'Order {order} is on its way. It should arrive on {day}.',
        'It shipped today. Expect it by {day}.',
        'Done. Order {order} will go to the new address.',
        'Sorry for the delay. I asked the courier and will update you by {day}.',
        'Yes. Delivery takes 5 to 8 business days.'
      ],
      followAsk: ['Can I pick it up myself instead?', 'Will I need to sign for it?'],
      followFormal: ['I am afraid we do not offer pickup at present. The courier will deliver to your door.', 'Yes, a signature is required for orders of this value.'],
      followConcise: ['Sorry, no pickup. The courier delivers it.', 'Yes, a signature is needed.']
    },
    returns: {
      ask: [
        'I want to return my {product}. How do I do that?',
        'My {product} arrived broken. What can I do?',
        'How long do I have to return order {order}?',
        'I returned my {product} last week. When do I get my money back?',
        'Can I exchange my {product} for a different colour?'
      ],
      formal: [
        'Certainly. Please open Orders, choose the {product} and select Return; we will email you a free return label.',
        'I am very sorry to hear that. Please send a photo of the damage and we will ship a replacement {product} at no cost.',
        'You may return order {order} within 30 days of delivery.',
        'Thank you for your patience. Your refund for the {product} will reach your account within 5 business days.',
        'Of course. Please select Exchange in your order and choose the colour you prefer.'
      ],
      concise: [
        'Open Orders, pick the {product}, press Return. The label is free.',
        'Sorry! Send a photo and we will ship a new {product}.',
        'You have 30 days from delivery.',
        'The refund arrives within 5 days.',
        'Yes. Choose Exchange in your order and pick a colour.'
      ],
      followAsk: ['Do I need the original box?', 'Can I drop it at a post office?'],
      followFormal: ['The original box is preferred but not required, provided the item is well packed.', 'Yes, you may drop the parcel at any post office with the label attached.'],
      followConcise: ['Not required, just pack it well.', 'Yes, any post office works.']
    },
    account: {
      ask: [
        'I forgot my password. How do I reset it?',
        'How do I change the email on my account?',
        'Please delete my account.',
        'I cannot log in. It says my account is locked.',
        'How do I unsubscribe from your newsletter?'
      ],
      formal: [
        'Please select Forgot password on the sign-in page; we will email you a reset link that is valid for one hour.',
        'You can change your email address under Account, then Profile. We will ask you to confirm the new address.',
        'I understand. I have started the deletion of your account; you will receive a confirmation email within 24 hours.',
        'For your security, the account was locked after several failed attempts. I have unlocked it; please reset your password.',
        'Certainly. Please use the Unsubscribe link at the bottom of any newsletter, or turn it off under Account settings.'
      ],
      concise: [
        'Click Forgot password on the sign-in page. The link lasts one hour.',
        'Go to Account, then Profile, and confirm the new email.',
        'Done. You will get a confirmation within 24 hours.',
        'I unlocked it. Please reset your password.',
        'Use the Unsubscribe link in any newsletter.'
      ],
      followAsk: ['I did not get the email. Can you resend it?', 'Will my order history be kept?'],
      followFormal: ['Certainly. I have sent it again; please also check your spam folder.', 'Your order history is kept for invoices, as the law requires.'],
      followConcise: ['Resent. Check your spam folder too.', 'Yes, for invoices.']
    },
    technical: {
      ask: [
        'My {product} will not turn on. What should I check?',
        'The app crashes when I open my orders.',
        'How do I pair the smart {product} with my phone?',
        'The website shows an error at checkout.',
        'My {product} makes a loud noise. Is that normal?'
      ],
      formal: [
        'I am sorry to hear that. Please check that the plug is firmly connected and try another socket; if it still fails, we will replace the {product}.',
        'Thank you for reporting this. Please update the app to the latest version; the issue was fixed on {day}.',
        'Please open the Lumen app, select Add device and hold the button on the {product} for five seconds.',
        'I apologise for the inconvenience. Please clear your browser cache and try again; the error has been reported to our team.',
        'A little noise is normal during the first use. If the noise continues, please send us a short video and we will help.'
      ],
      concise: [
        'Check the plug and try another socket. If it still fails, we will replace it.',
        'Please update the app. It was fixed on {day}.',
        'In the app, tap Add device and hold the button for five seconds.',
        'Clear your browser cache and try again.',
        'Some noise is normal at first. Send a video if it goes on.'
      ],
      followAsk: ['It still does not work.', 'Is it covered by the warranty?'],
      followFormal: ['Thank you for trying. I have arranged a free replacement; you will receive a shipping confirmation shortly.', 'Yes, all our products carry a two-year warranty.'],
      followConcise: ['Thanks for trying. A replacement is on its way.', 'Yes, two years.']
    }
  }
};

// ------------------------------------------------------------------ Chinese
const ZH = {
  system: {
    正式: '你是明光家居网店的客服助手。请用正式、礼貌的语气回答。',
    简洁: '你是明光家居网店的客服助手。请简洁地回答，一两句话即可。'
  },
  styleOf: { formal: '正式', concise: '简洁' },
  products: ['台灯', '电水壶', '羊毛毯', '咖啡磨豆机', '浴巾套装', '台式风扇', '砧板', '阅读椅', '陶瓷花瓶', '电饭煲'],
  days: ['周一', '周二', '周三', '周四', '周五'],
  intents: {
    账单问题: {
      ask: ['订单{order}被扣了两次款，能帮我处理吗？', '订单{order}的发票上为什么多了一笔费用？', '能给我开一张{product}的发票吗？', '银行卡显示支付失败，但钱已经扣了，怎么回事？', '订单{order}怎么更换支付方式？'],
      formal: ['感谢您的反馈。我已核实订单{order}，重复扣款将在3个工作日内退回。', '抱歉给您带来困扰。订单{order}多出的金额是运费，明细已发送到您的邮箱。', '好的。{product}的发票已发送到您账户绑定的邮箱。', '非常抱歉。这笔款项是银行的临时冻结，将在5个工作日内解冻。', '当然可以。订单{order}发货前，您可以在“订单-支付”中更换支付方式。'],
      concise: ['抱歉，订单{order}的重复扣款3天内退回。', '那是运费，明细已发您邮箱。', '已发送，请查收{product}的发票。', '是银行临时冻结，5天内解冻。', '在“订单-支付”里改，发货前都可以。'],
      followAsk: ['退款完成后会有邮件通知吗？', '可以发到另一个邮箱吗？'],
      followFormal: ['会的。退款处理完成后，您将收到确认邮件。', '当然可以。请回复新的邮箱地址，我会重新发送。'],
      followConcise: ['会，有邮件通知。', '可以，请告诉我邮箱。']
    },
    物流查询: {
      ask: ['我的订单{order}还没到，现在在哪里？', '我的{product}什么时候送到？', '订单{order}可以改收货地址吗？', '订单{order}的物流好几天没更新了。', '你们能寄到香港吗？'],
      formal: ['感谢您的耐心等待。订单{order}已交给快递，预计{day}送达。', '您的{product}今天已从仓库发出，预计{day}前送达。', '好的。我已为订单{order}更新收货地址，快递将按新地址派送。', '非常抱歉。我已向快递公司发起查询，{day}前会给您回复。', '可以寄到香港，通常需要5到8个工作日。'],
      concise: ['订单{order}在路上，预计{day}到。', '今天已发货，{day}前到。', '已改好，订单{order}会送到新地址。', '抱歉，已催快递，{day}前回复您。', '可以，5到8个工作日。'],
      followAsk: ['可以自己去取吗？', '需要本人签收吗？'],
      followFormal: ['很抱歉，目前暂不提供自提服务，快递会送货上门。', '是的，此类订单需要本人签收。'],
      followConcise: ['暂不支持自提，送货上门。', '需要本人签收。']
    },
    退货退款: {
      ask: ['我想退掉{product}，怎么操作？', '收到的{product}是坏的，怎么办？', '订单{order}的退货期限是多久？', '上周退回了{product}，钱什么时候退给我？', '{product}可以换个颜色吗？'],
      formal: ['好的。请在“订单”中选择{product}并点击“退货”，我们会把免费退货标签发到您的邮箱。', '非常抱歉。请拍一张损坏的照片发给我们，我们会免费为您补发{product}。', '订单{order}自签收之日起30天内均可退货。', '感谢您的耐心。{product}的退款将在5个工作日内到账。', '当然可以。请在订单中选择“换货”，再选您喜欢的颜色。'],
      concise: ['在“订单”里选{product}，点“退货”，标签免费。', '抱歉！发张照片，我们补发{product}。', '签收后30天内。', '5天内到账。', '可以，在订单里选“换货”。'],
      followAsk: ['需要原包装吗？', '可以在邮局寄回吗？'],
      followFormal: ['最好使用原包装，但只要包装妥当，没有原包装也可以。', '可以，贴好退货标签后，在任意邮局寄出即可。'],
      followConcise: ['不强制，包好就行。', '可以，任意邮局。']
    },
    账户管理: {
      ask: ['我忘记密码了，怎么重置？', '怎么修改账户的邮箱？', '请帮我注销账户。', '登录时提示账户被锁定了。', '怎么退订你们的促销邮件？'],
      formal: ['请在登录页点击“忘记密码”，我们会发送一封有效期为一小时的重置邮件。', '您可以在“账户-个人资料”中修改邮箱，系统会请您确认新邮箱。', '明白。我已为您提交注销申请，24小时内您会收到确认邮件。', '为了安全，多次登录失败后账户会被锁定。我已为您解锁，请重置密码。', '好的。您可以点击任意邮件底部的“退订”，或在账户设置中关闭。'],
      concise: ['登录页点“忘记密码”，链接一小时有效。', '在“账户-个人资料”里改，再确认新邮箱。', '已提交，24小时内有确认邮件。', '已解锁，请重置密码。', '点邮件底部的“退订”即可。'],
      followAsk: ['没收到邮件，能再发一次吗？', '我的订单记录会保留吗？'],
      followFormal: ['好的，已重新发送，也请查看一下垃圾邮件。', '根据法律规定，订单记录会保留用于开具发票。'],
      followConcise: ['已重发，也看看垃圾邮件。', '会保留，用于发票。']
    },
    技术支持: {
      ask: ['{product}打不开，应该检查什么？', '打开订单页面时App闪退。', '智能{product}怎么和手机配对？', '结账时网站报错。', '{product}声音很大，正常吗？'],
      formal: ['很抱歉。请确认插头已插紧，并换一个插座试试；如果仍无法使用，我们会为您更换{product}。', '感谢您的反馈。请将App更新到最新版本，该问题已于{day}修复。', '请打开明光App，选择“添加设备”，然后按住{product}上的按钮五秒钟。', '抱歉给您带来不便。请清除浏览器缓存后重试，问题已反馈给技术团队。', '首次使用时有轻微声音是正常的。如果一直很响，请发一段短视频给我们。'],
      concise: ['检查插头，换个插座。还不行就给您换新的。', '请更新App，{day}已修复。', '在App里点“添加设备”，按住按钮五秒。', '清除浏览器缓存后再试。', '刚开始有点声音正常，一直响请发视频。'],
      followAsk: ['还是不行。', '在保修范围内吗？'],
      followFormal: ['感谢您的配合。我已为您安排免费换新，稍后会收到发货通知。', '是的，我们所有商品都享受两年保修。'],
      followConcise: ['谢谢配合，已安排换新。', '在，保修两年。']
    }
  }
};

// ------------------------------------------------------------------ conversations
const EN_OPENERS = ['', '', 'Hi, ', 'Hello, ', 'Hi there. '];
const ZH_OPENERS = ['', '', '你好，', '您好，'];
const EN_GREETINGS = ['Hello, ', 'Dear customer, ', 'Good day, '];
const NAMES = ['alex', 'sam', 'jordan', 'lee', 'morgan', 'wei', 'li.na', 'chen', 'maria', 'tom'];

/** "Hi, " + "Why is..." → "Hi, why is..." (but "I ..." keeps its capital). */
function joinLower(prefix, text) {
  if (!prefix || prefix.endsWith('. ')) return prefix + text;
  return prefix + (/^I\b/.test(text) ? text : text[0].toLowerCase() + text.slice(1));
}

function conversations(lang, n, seed) {
  const r = rng(seed);
  const L = lang === 'en' ? EN : ZH;
  const intents = Object.keys(L.intents);
  const out = [];
  for (let i = 0; i < n; i++) {
    const intent = intents[i % intents.length];
    const styleKey = r() < 0.5 ? 'formal' : 'concise';
    const style = lang === 'en' ? styleKey : ZH.styleOf[styleKey];
    const spec = L.intents[intent];
    const k = Math.floor(r() * spec.ask.length);
    const vars = { order: `ORD-${String(100000 + Math.floor(r() * 899999))}`, product: pick(r, L.products), day: pick(r, L.days) };
    let ask = fill(spec.ask[k], vars);
    ask = lang === 'en' ? joinLower(pick(r, EN_OPENERS), ask) : pick(r, ZH_OPENERS) + ask;
    // A few customers leave contact details (the pipelines' redact stages have work to do).
    const contact = r();
    if (contact < 0.06) ask += lang === 'en' ? ` My email is ${pick(r, NAMES)}@example.com.` : `我的邮箱是${pick(r, NAMES)}@example.com。`;
    else if (contact < 0.1) ask += lang === 'en' ? ` You can call me at 555-01${String(Math.floor(r() * 90) + 10)}.` : `我的电话是138${String(10000000 + Math.floor(r() * 89999999))}。`;
    let answer = fill(spec[styleKey][k], vars);
    if (styleKey === 'formal') answer = lang === 'en' ? joinLower(pick(r, EN_GREETINGS), answer) : `您好，${answer}`;
    const messages = [
      { role: 'system', content: L.system[style] },
      { role: 'user', content: ask },
      { role: 'assistant', content: answer }
    ];
    // About a third of the conversations have a follow-up question.
    if (r() < 0.35) {
      const f = Math.floor(r() * spec.followAsk.length);
      messages.push({ role: 'user', content: spec.followAsk[f] });
      messages.push({ role: 'assistant', content: styleKey === 'formal' ? spec.followFormal[f] : spec.followConcise[f] });
    }
    out.push({ messages, intent, style });
  }
  return out;
}

// ------------------------------------------------------------------ writers
const chatJsonl = (convs) => convs.map((c) => JSON.stringify(c)).join('\n') + '\n';

// Prompt/completion keeps the first exchange of each conversation.
const pcJsonl = (convs) => convs.map((c) => JSON.stringify({ prompt: c.messages[1].content, completion: c.messages[2].content, intent: c.intent, style: c.style })).join('\n') + '\n';

// Context/response: earlier turns become a prefixed, multi-line context.
function crsJson(convs, userPrefix, modelPrefix) {
  const rows = convs.map((c) => {
    const turns = c.messages.filter((m) => m.role !== 'system');
    const last = turns[turns.length - 1];
    const context = turns.slice(0, -1).map((m) => `${m.role === 'user' ? userPrefix : modelPrefix}${m.content}`).join('\n');
    return JSON.stringify({ context, response: `${modelPrefix}${last.content}`, intent: c.intent, style: c.style });
  });
  return `[\n${rows.join(',\n')}\n]\n`;
}

function csvCell(s) {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

// A small ticket export with its own column names (see samples.json for the mapping).
function ticketsCsv(convs) {
  const lines = ['ticket_id,category,tone,question,answer'];
  convs.slice(0, 40).forEach((c, i) => {
    lines.push([`T-${1001 + i}`, c.intent, c.style, c.messages[1].content, c.messages[2].content].map(csvCell).join(','));
  });
  return lines.join('\n') + '\n';
}

const en = conversations('en', 200, 20241121);
const zh = conversations('zh', 200, 20241122);
// File names match what the sample pipelines (pipelines/*.ftp) read.
const files = {
  'support.jsonl': chatJsonl(en),
  'support_pc.jsonl': pcJsonl(en),
  'support_crs.json': crsJson(en, 'User:', 'Assistant:'),
  'support_zh_chat.jsonl': chatJsonl(zh),
  'support_zh_pc.jsonl': pcJsonl(zh),
  'support_zh.json': crsJson(zh, '用户:', '模型:'),
  'support_tickets.csv': ticketsCsv(en)
};

const check = process.argv.includes('--check');
const outDir = (() => {
  const i = process.argv.indexOf('--out');
  return i > 0 ? path.resolve(process.argv[i + 1]) : here;
})();
let stale = 0;
for (const [name, text] of Object.entries(files)) {
  const p = path.join(outDir, name);
  if (check) {
    const cur = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null;
    if (cur !== text) {
      stale++;
      console.error(`${name} is out of date (run node datasets/generate.mjs)`);
    }
  } else {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(p, text);
    console.log(`wrote ${path.relative(process.cwd(), p) || p}`);
  }
}
process.exit(stale ? 1 : 0);
