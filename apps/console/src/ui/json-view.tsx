import { CopyButton } from './copy-button';

/** Pretty JSON (or the text as it is, when it is not JSON), with a copy button. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const text = typeof value === 'string' ? pretty(value) : JSON.stringify(value, null, 2);
  return (
    <figure className="json-view">
      <figcaption>
        {label} <CopyButton value={text} label={`Copy ${label.toLowerCase()}`} />
      </figcaption>
      <pre tabIndex={0} aria-label={label}>
        <code>{text}</code>
      </pre>
    </figure>
  );
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
