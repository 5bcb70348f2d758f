// Reads a JSON List (`kubectl get -o json`, generated fixtures) one item at a
// time: parsing a 25 MB List whole holds every raw object at once (hundreds of MB
// of heap, and RSS that stays up); parsing item by item holds one raw object.

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
const OPEN_OBJ = 0x7b, CLOSE_OBJ = 0x7d, OPEN_ARR = 0x5b, CLOSE_ARR = 0x5d;

/** A JSON syntax error with the line it is on. */
export class JsonListError extends Error {}

function skipWs(b: Buffer, i: number): number {
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return i;
}

/** `i` is at an opening quote; returns the index after the closing one, or -1. */
function skipString(b: Buffer, i: number): number {
  for (let j = i + 1; ;) {
    const q = b.indexOf(QUOTE, j);
    if (q < 0) return -1;
    let slashes = 0;
    while (b[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Returns the index after the value starting at `i`, or -1 when it does not end. */
function skipValue(b: Buffer, i: number): number {
  if (b[i] === QUOTE) return skipString(b, i);
  if (b[i] !== OPEN_OBJ && b[i] !== OPEN_ARR) {
    while (i < b.length && b[i] !== COMMA && b[i] !== CLOSE_OBJ && b[i] !== CLOSE_ARR && b[i]! > 0x20) i++;
    return i;
  }
  let depth = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c === QUOTE) {
      i = skipString(b, i);
      if (i < 0) return -1;
      continue;
    }
    if (c === OPEN_OBJ || c === OPEN_ARR) depth++;
    else if ((c === CLOSE_OBJ || c === CLOSE_ARR) && --depth === 0) return i + 1;
    i++;
  }
  return -1;
}

function lineAt(b: Buffer, pos: number): number {
  let line = 1;
  for (let i = b.indexOf(0x0a); i >= 0 && i < pos; i = b.indexOf(0x0a, i + 1)) line++;
  return line;
}

/** JSON.parse of b[start, end), with the line of a syntax error. */
function parseAt(b: Buffer, start: number, end: number): unknown {
  try {
    return JSON.parse(b.toString('utf8', start, end));
  } catch (err) {
    const msg = (err as Error).message;
    const pos = / at position (\d+)/.exec(msg);
    // V8 quotes the text in some messages (`, ..."text"... is not valid JSON`): dropped, it can be huge.
    const what = msg.replace(/, (\.\.\.)?"[\s\S]*$/, '').replace(/( in JSON)? at position \d+[\s\S]*$/, '');
    const where = pos ? `at line ${lineAt(b, start + Number(pos[1]))}` : `in the value starting at line ${lineAt(b, start)}`;
    throw new JsonListError(`JSON: ${what} ${where}`);
  }
}

function syntaxError(b: Buffer, i: number): JsonListError {
  const what = i < b.length ? `unexpected ${JSON.stringify(String.fromCharCode(b[i]!))}` : 'unexpected end of input';
  return new JsonListError(`JSON: ${what} at line ${lineAt(b, i)}`);
}

/**
 * Parses a JSON text; the elements of a top-level object's `items` array go to
 * `onItem` one by one, and the object comes back without them (`items: []`).
 * Throws JsonListError for text that is not JSON.
 */
export function parseJsonList(b: Buffer, onItem: (item: unknown) => void): unknown {
  let i = skipWs(b, b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0);
  if (b[i] !== OPEN_OBJ) return parseAt(b, i, b.length);
  const top: Record<string, unknown> = {};
  /** Throws for the byte at `at` (default: the current one); -1 means the input ended first. */
  const fail = (at = i): never => { throw syntaxError(b, at < 0 ? b.length : at); };
  i = skipWs(b, i + 1);
  while (b[i] !== CLOSE_OBJ) {
    if (b[i] !== QUOTE) fail();
    const keyEnd = skipString(b, i);
    if (keyEnd < 0) fail(-1);
    const key = parseAt(b, i, keyEnd) as string;
    i = skipWs(b, keyEnd);
    if (b[i] !== COLON) fail();
    i = skipWs(b, i + 1);
    if (key === 'items' && b[i] === OPEN_ARR) {
      top.items = [];
      for (i = skipWs(b, i + 1); b[i] !== CLOSE_ARR;) {
        const end = skipValue(b, i);
        if (end < 0) fail(-1);
        if (end === i) fail();
        onItem(parseAt(b, i, end));
        i = skipWs(b, end);
        if (b[i] === COMMA) i = skipWs(b, i + 1);
        else if (b[i] !== CLOSE_ARR) fail();
      }
      i = skipWs(b, i + 1);
    } else {
      const end = skipValue(b, i);
      if (end < 0) fail(-1);
      top[key] = parseAt(b, i, end);
      i = skipWs(b, end);
    }
    if (b[i] === COMMA) i = skipWs(b, i + 1);
    else if (b[i] !== CLOSE_OBJ) fail();
  }
  const rest = skipWs(b, i + 1);
  if (rest !== b.length) fail(rest);
  return top;
}
