// Where a sign-in goes when it is done: the account pages, unless a page that needs a signed-in
// visitor (the device approval page) sent them to sign in first. Kept for this tab only, and only
// the device page's own addresses are honoured (never an open redirect).
const KEY = 'twofold:after-sign-in';
const ALLOWED = /^\/device(\?user_code=[A-Za-z0-9-]{1,32})?$/;

export function returnAfterSignIn(path: string): void {
  if (ALLOWED.test(path)) sessionStorage.setItem(KEY, path);
}

/** The page to open after a sign-in (the device page clears it once it is reached). */
export function afterSignIn(fallback = '/account/two-factor'): string {
  const path = sessionStorage.getItem(KEY);
  return path && ALLOWED.test(path) ? path : fallback;
}

export function clearReturn(): void {
  sessionStorage.removeItem(KEY);
}
