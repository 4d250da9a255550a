import { useEffect, useRef, type ReactNode } from 'react';
import { takeHeadingFocus } from './focus';

/**
 * The top of a page: a way back (a breadcrumb link), the object's name as the h1 with its state
 * beside it, the page's main actions, and a line saying what the page is for.
 *
 *   <PageHeader back={<Link to="/rules">Rules</Link>} title={rule.name} badge={<StatusLabel … />} />
 *
 * The h1 can take focus (tabIndex -1): after an action that removed what had focus (Delete), the
 * next page's heading takes it (see focusHeadingNext in ./focus).
 */
export function PageHeader(props: {
  title: ReactNode;
  back?: ReactNode;
  badge?: ReactNode;
  actions?: ReactNode;
  description?: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (takeHeadingFocus()) heading.current?.focus();
  }, []);
  return (
    <div className="page-header">
      {props.back && <p className="breadcrumb">{props.back}</p>}
      <div className="page-header-main">
        <div className="page-title">
          <h1 ref={heading} tabIndex={-1}>
            {props.title}
          </h1>
          {props.badge}
        </div>
        {props.actions && <div className="page-actions">{props.actions}</div>}
      </div>
      {props.description && <div className="page-description">{props.description}</div>}
    </div>
  );
}

/** The breadcrumb's text: "← Webhooks", read as "Back to Webhooks". */
export function BackLabel({ to }: { to: string }) {
  return (
    <>
      <span aria-hidden="true">← </span>
      <span className="visually-hidden">Back to </span>
      {to}
    </>
  );
}
