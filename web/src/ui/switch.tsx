// An on/off switch (role="switch"); the visible state word sits beside it.
export function Switch({
  checked,
  onChange,
  label,
  loading,
}: {
  checked: boolean;
  onChange: (next: boolean) => void;
  label: string;
  loading?: boolean;
}) {
  return (
    <span className="switch-wrap">
      <button
        type="button"
        role="switch"
        className="switch"
        aria-checked={checked}
        aria-label={label}
        aria-busy={loading || undefined}
        data-loading={loading || undefined}
        onClick={() => {
          if (!loading) onChange(!checked);
        }}
      />
      <span className="switch-state" aria-hidden="true">
        {checked ? 'Enabled' : 'Disabled'}
      </span>
    </span>
  );
}
