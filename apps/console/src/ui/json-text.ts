/**
 * JSON text indented for reading, keeping everything else as received: the key order (JSON.parse and
 * JSON.stringify would move keys like "2" first, and lose a duplicate key), numbers as written (no
 * 1.0 → 1, no precision lost on big integers) and string escapes. Text that is not JSON stays as it is.
 */
export function indentJsonText(text: string, indent = '  '): string {
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  let out = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      out += char;
      if (char === '\\') out += text[++i];
      else if (char === '"') inString = false;
      continue;
    }
    if (char === ' ' || char === '\n' || char === '\r' || char === '\t') continue;
    const newline = (level: number) => `\n${indent.repeat(level)}`;
    switch (char) {
      case '"':
        inString = true;
        out += char;
        break;
      case '{':
      case '[': {
        // An empty object or array stays on one line.
        const next = nextToken(text, i + 1);
        if (next === (char === '{' ? '}' : ']')) {
          out += char;
          break;
        }
        depth++;
        out += char + newline(depth);
        break;
      }
      case '}':
      case ']':
        if (out.endsWith('{') || out.endsWith('[')) {
          out += char;
          break;
        }
        depth--;
        out += newline(depth) + char;
        break;
      case ',':
        out += ',' + newline(depth);
        break;
      case ':':
        out += ': ';
        break;
      default:
        out += char;
    }
  }
  return out;
}

/** The first character at or after `from` that is not whitespace. */
function nextToken(text: string, from: number): string | undefined {
  for (let i = from; i < text.length; i++) {
    if (!/\s/.test(text[i])) return text[i];
  }
  return undefined;
}
