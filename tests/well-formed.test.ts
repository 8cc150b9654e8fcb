import { parseJsonKeepingBigIntegers } from '../channels/webhooks/big-integers';
import { parseWellFormedJson } from '../channels/ingest/well-formed';

describe('webhook JSON made well-formed', () => {
  const parse = (text: string) => parseWellFormedJson(text, parseJsonKeepingBigIntegers);

  it('replaces an escaped lone surrogate in a value and in a key with U+FFFD', () => {
    expect(parse('{"ticket": {"title": "a\\ud800b", "\\udc00": ["\\uDBFF"]}}')).toEqual({ ticket: { title: 'a\ufffdb', '\ufffd': ['\ufffd'] } });
  });

  it('keeps a surrogate pair, escaped or written out, as the character it makes', () => {
    expect(parse('{"title": "\\ud83d\\ude00 😀"}')).toEqual({ title: '😀 😀' });
  });

  it('reads text without surrogates as it is, long ids kept exact', () => {
    expect(parse('{"ticket": {"id": 9007199254740993, "title": "caf\\u00e9 é"}}')).toEqual({ ticket: { id: '9007199254740993', title: 'café é' } });
  });
});
