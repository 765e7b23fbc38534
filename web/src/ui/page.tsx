// Page titles: sets document.title and, when asked, moves focus to the heading so a screen reader
// announces the new page after client-side navigation.
import { useEffect, useRef, type ReactNode } from 'react';

export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Twofold`;
  }, [title]);
}

export function PageHead({ title, lead, focus = true }: { title: string; lead?: ReactNode; focus?: boolean }) {
  useTitle(title);
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus({ preventScroll: true });
  }, [focus]);
  return (
    <div className="page-head">
      <h1 ref={ref} tabIndex={-1}>
        {title}
      </h1>
      {lead && <p>{lead}</p>}
    </div>
  );
}

/** A heading that takes focus when it mounts (wizard steps). */
export function FocusHeading({ children, level = 2 }: { children: ReactNode; level?: 2 | 3 }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus({ preventScroll: false }), []);
  const Tag = level === 2 ? 'h2' : 'h3';
  return (
    <Tag ref={ref} tabIndex={-1}>
      {children}
    </Tag>
  );
}
