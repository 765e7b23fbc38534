import { Link } from '../router';

export function Mark() {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true">
      <rect x="2" y="2" width="19" height="19" rx="5" fill="#9cc3b5" />
      <rect x="11" y="11" width="19" height="19" rx="5" fill="#1d5c4d" />
    </svg>
  );
}

export function Brand({ to = '/' }: { to?: string }) {
  return (
    <Link to={to} className="brand" aria-label="Twofold home">
      <Mark />
      <span aria-hidden="true">Twofold</span>
    </Link>
  );
}
