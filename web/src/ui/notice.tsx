import type { ReactNode } from 'react';

type Tone = 'info' | 'success' | 'warning' | 'danger';

const ICONS: Record<Tone, ReactNode> = {
  info: <path d="M10 9v5M10 6.2v.1" />,
  success: <path d="m6.5 10.2 2.4 2.4 4.6-5" />,
  warning: <path d="M10 6v5M10 13.8v.1" />,
  danger: <path d="M10 6v5M10 13.8v.1" />,
};

export function Notice({
  tone = 'info',
  title,
  children,
  role,
  className,
  id,
}: {
  tone?: Tone;
  title?: ReactNode;
  children?: ReactNode;
  role?: 'status' | 'alert';
  className?: string;
  id?: string;
}) {
  return (
    <div className={`notice notice-${tone} ${className ?? ''}`} role={role} id={id}>
      <svg
        viewBox="0 0 20 20"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
      >
        <circle cx="10" cy="10" r="8.2" />
        {ICONS[tone]}
      </svg>
      <div>
        {title && <p className="notice-title">{title}</p>}
        {children}
      </div>
    </div>
  );
}
