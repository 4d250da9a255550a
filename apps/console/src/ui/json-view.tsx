import { CopyButton } from './copy-button';
import { indentJsonText } from './json-text';

/**
 * JSON indented for reading, with a copy button. Text (a body as received) keeps its key order and
 * numbers exactly (indentJsonText); text that is not JSON is shown as it is.
 */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const text = typeof value === 'string' ? indentJsonText(value) : JSON.stringify(value, null, 2);
  return (
    <figure className="json-view">
      <figcaption>
        <span>{label}</span> <CopyButton value={text} label={`Copy ${label.toLowerCase()}`} small />
      </figcaption>
      <pre tabIndex={0} aria-label={label}>
        <code>{text}</code>
      </pre>
    </figure>
  );
}
