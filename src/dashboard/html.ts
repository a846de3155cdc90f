/**
 * HTML built by a tagged template that escapes every interpolated value unless it is already
 * `SafeHtml` (made by this template): a payload can never become markup. @internal
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** An interpolated value: escaped text, nested `SafeHtml`, or a list of either; nothing for null/undefined/false. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<td>${text}</td>\``: every value escaped, nested `html` fragments kept. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] as string);
  return new SafeHtml(out);
}

/** A JSON value shown as text, pretty-printed and cut to `maxChars` (the cut is said). */
export function jsonText(value: unknown, maxChars: number): string {
  let text: string;
  try {
    text = value === undefined ? '—' : (JSON.stringify(value, null, 2) ?? typeof value);
  } catch {
    text = '(not JSON: a cycle or a BigInt)';
  }
  return text.length > maxChars
    ? `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters)`
    : text;
}
