import { CopyButton } from './copy-button';

/**
 * A command or a snippet to copy: shown as it will be copied (monospace, lines kept, scrolled sideways
 * rather than wrapped, so what is read is what runs), with a Copy button named after it.
 */
export function CodeBlock(props: { code: string; label: string; copyLabel?: string; testId?: string }) {
  return (
    <figure className="code-block">
      <figcaption>
        <span>{props.label}</span>
        <CopyButton value={props.code} label={props.copyLabel ?? `Copy ${props.label.toLowerCase()}`} small />
      </figcaption>
      {/* Focusable so a keyboard can scroll it; named so a screen reader says what it is. */}
      <pre tabIndex={0} aria-label={props.label} data-testid={props.testId}>
        <code>{props.code}</code>
      </pre>
    </figure>
  );
}
