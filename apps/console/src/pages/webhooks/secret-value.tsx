import { useEffect, useRef } from 'react';
import { CopyButton } from '../../ui/copy-button';
import { SECRET_PLACEHOLDER } from './verify-snippets';

/**
 * A signing secret, masked until Reveal; once shown, Copy and Hide. After Reveal focus moves to Hide
 * (the Reveal button is gone), and after Hide back to Reveal, so it never falls to <body>.
 */
export function SecretValue(props: {
  /** The secret when shown; null while masked. */
  secret: string | null;
  onReveal: () => void;
  onHide: () => void;
  revealing?: boolean;
  testId: string;
}) {
  const reveal = useRef<HTMLButtonElement>(null);
  const hide = useRef<HTMLButtonElement>(null);
  const shown = props.secret !== null;
  const toggled = useRef(false);
  useEffect(() => {
    if (!toggled.current) return;
    toggled.current = false;
    (shown ? hide : reveal).current?.focus();
  }, [shown]);
  return (
    <div className="row secret-row">
      {shown ? (
        <>
          <code className="secret" data-testid={props.testId}>
            {props.secret}
          </code>
          <CopyButton value={props.secret!} label="Copy secret" />
          <button
            ref={hide}
            type="button"
            className="secondary"
            onClick={() => {
              toggled.current = true;
              props.onHide();
            }}
          >
            Hide
          </button>
        </>
      ) : (
        <>
          <code className="secret" data-testid={`${props.testId}-masked`}>
            {SECRET_PLACEHOLDER.replace('…', '••••••••••••••••')}
          </code>
          <button
            ref={reveal}
            type="button"
            className="secondary"
            aria-disabled={props.revealing || undefined}
            onClick={() => {
              if (props.revealing) return;
              toggled.current = true;
              props.onReveal();
            }}
          >
            {props.revealing ? 'Revealing…' : 'Reveal'}
          </button>
        </>
      )}
    </div>
  );
}
